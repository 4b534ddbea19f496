# The Debian package (cpack -G DEB): the node, the admin CLI, the systemd
# unit, the configuration as a conffile, and maintainer scripts that create
# the service user and enable and start the unit. Included from the top
# CMakeLists.txt after every target is defined.
set(_pkg ${CMAKE_CURRENT_LIST_DIR})

# caf-eureka-node's own install() rule is in apps/CMakeLists.txt. The admin
# CLI is optional while it is being written.
if(TARGET caf-eureka-admin)
  install(TARGETS caf-eureka-admin RUNTIME DESTINATION bin)
endif()
# Absolute destinations: where Debian puts them, whatever the prefix.
install(FILES ${_pkg}/caf-eureka.service DESTINATION /lib/systemd/system)
# 0640: it may hold password hashes; postinst makes it root:caf-eureka.
install(FILES ${_pkg}/caf-eureka.properties DESTINATION /etc/caf-eureka
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)

set(CPACK_PACKAGE_NAME caf-eureka)
set(CPACK_PACKAGE_VENDOR "caf-eureka")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Eureka-compatible service registry on the C++ Actor Framework")
set(CPACK_PACKAGE_DESCRIPTION
    "Unchanged Eureka clients (Spring Cloud, the Netflix eureka-client, eureka-js-client,
py-eureka-client, fargo) register, heartbeat and fetch against it as against the Java
server. Runs as the systemd service caf-eureka; caf-eureka-admin shows and manages it.")
set(CPACK_PACKAGE_CONTACT "caf-eureka maintainers <caf-eureka@localhost>")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # caf-eureka_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Shared libraries (CAF, fmt, zlib, libstdc++...) found by dpkg-shlibdeps;
# adduser for the postinst (deb-systemd-helper is in init-system-helpers,
# which every Debian system has).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${_pkg}/debian/conffiles ${_pkg}/debian/postinst ${_pkg}/debian/prerm ${_pkg}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
