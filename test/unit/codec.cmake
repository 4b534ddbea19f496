# Codec suites (codec/): wire formats, decoders and registration validation.
foreach(_suite codec_json_test codec_compact_test codec_xml_test codec_decode_test codec_validation_test
               codec_replication_test codec_gzip_stream_test codec_record_test)
  eureka_add_test(${_suite} SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/${_suite}.cpp LIBS eureka_codec)
endforeach()
