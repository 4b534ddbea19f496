// Expected documents of contract §2.7, copied from the spec (JSON joined to one
// line as on the wire; the XML example without its explanatory comment).
#pragma once

namespace codec_fixtures {

inline constexpr const char* spec_instance_json =
    R"json({"instance":{"instanceId":"host1:order-service:8080","hostName":"host1.example.net","app":"ORDER-SERVICE","ipAddr":"10.1.2.3","status":"UP","overriddenStatus":"UNKNOWN","port":{"$":8080,"@enabled":"true"},"securePort":{"$":443,"@enabled":"false"},"countryId":1,"dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},"leaseInfo":{"renewalIntervalInSecs":30,"durationInSecs":90,"registrationTimestamp":1700000000500,"lastRenewalTimestamp":1700000210500,"evictionTimestamp":0,"serviceUpTimestamp":1700000000500},"metadata":{"management.port":"8080","zone":"z1"},"homePageUrl":"http://host1.example.net:8080/","statusPageUrl":"http://host1.example.net:8080/actuator/info","healthCheckUrl":"http://host1.example.net:8080/actuator/health","vipAddress":"order-service","secureVipAddress":"order-service","isCoordinatingDiscoveryServer":"false","lastUpdatedTimestamp":"1700000000500","lastDirtyTimestamp":"1700000000100","actionType":"ADDED"}})json";

inline constexpr const char* spec_registry_json =
    R"json({"applications":{"versions__delta":"1","apps__hashcode":"DOWN_1_UP_2_","application":[{"name":"ORDER-SERVICE","instance":[{"instanceId":"host1:order-service:8080","hostName":"host1","app":"ORDER-SERVICE","ipAddr":"10.1.2.3","status":"UP","overriddenStatus":"UNKNOWN","port":{"$":8080,"@enabled":"true"},"securePort":{"$":443,"@enabled":"false"},"countryId":1,"dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},"leaseInfo":{"renewalIntervalInSecs":30,"durationInSecs":90,"registrationTimestamp":1700000000500,"lastRenewalTimestamp":1700000210500,"evictionTimestamp":0,"serviceUpTimestamp":1700000000500},"metadata":{"@class":"java.util.Collections$EmptyMap"},"vipAddress":"order-service","isCoordinatingDiscoveryServer":"false","lastUpdatedTimestamp":"1700000000500","lastDirtyTimestamp":"1700000000100","actionType":"ADDED"},{"instanceId":"host2:order-service:8080","hostName":"host2","app":"ORDER-SERVICE","ipAddr":"10.1.2.4","status":"DOWN","overriddenStatus":"UNKNOWN","port":{"$":8080,"@enabled":"true"},"securePort":{"$":443,"@enabled":"false"},"countryId":1,"dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},"leaseInfo":{"renewalIntervalInSecs":30,"durationInSecs":90,"registrationTimestamp":1700000001000,"lastRenewalTimestamp":1700000211000,"evictionTimestamp":0,"serviceUpTimestamp":0},"metadata":{"@class":"java.util.Collections$EmptyMap"},"vipAddress":"order-service","isCoordinatingDiscoveryServer":"false","lastUpdatedTimestamp":"1700000001000","lastDirtyTimestamp":"1700000000900","actionType":"ADDED"}]},{"name":"BILLING","instance":[{"instanceId":"host3:billing:9000","hostName":"host3","app":"BILLING","ipAddr":"10.1.2.5","status":"UP","overriddenStatus":"UNKNOWN","port":{"$":9000,"@enabled":"true"},"securePort":{"$":443,"@enabled":"false"},"countryId":1,"dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},"leaseInfo":{"renewalIntervalInSecs":30,"durationInSecs":90,"registrationTimestamp":1700000002000,"lastRenewalTimestamp":1700000212000,"evictionTimestamp":0,"serviceUpTimestamp":1700000002000},"metadata":{"version":"2"},"vipAddress":"billing","secureVipAddress":"billing","isCoordinatingDiscoveryServer":"false","lastUpdatedTimestamp":"1700000002000","lastDirtyTimestamp":"1700000001900","actionType":"ADDED"}]}]}})json";

inline constexpr const char* spec_registry_xml_billing_only = R"xml(<applications>
  <versions__delta>1</versions__delta>
  <apps__hashcode>DOWN_1_UP_2_</apps__hashcode>
  <application>
    <name>BILLING</name>
    <instance>
      <instanceId>host3:billing:9000</instanceId>
      <hostName>host3</hostName>
      <app>BILLING</app>
      <ipAddr>10.1.2.5</ipAddr>
      <status>UP</status>
      <overriddenstatus>UNKNOWN</overriddenstatus>
      <port enabled="true">9000</port>
      <securePort enabled="false">443</securePort>
      <countryId>1</countryId>
      <dataCenterInfo class="com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo">
        <name>MyOwn</name>
      </dataCenterInfo>
      <leaseInfo>
        <renewalIntervalInSecs>30</renewalIntervalInSecs>
        <durationInSecs>90</durationInSecs>
        <registrationTimestamp>1700000002000</registrationTimestamp>
        <lastRenewalTimestamp>1700000212000</lastRenewalTimestamp>
        <evictionTimestamp>0</evictionTimestamp>
        <serviceUpTimestamp>1700000002000</serviceUpTimestamp>
      </leaseInfo>
      <metadata>
        <version>2</version>
      </metadata>
      <vipAddress>billing</vipAddress>
      <secureVipAddress>billing</secureVipAddress>
      <isCoordinatingDiscoveryServer>false</isCoordinatingDiscoveryServer>
      <lastUpdatedTimestamp>1700000002000</lastUpdatedTimestamp>
      <lastDirtyTimestamp>1700000001900</lastDirtyTimestamp>
      <actionType>ADDED</actionType>
    </instance>
  </application>
</applications>)xml";

} // namespace codec_fixtures
