package caf.eureka.reference;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.netflix.eureka.server.EnableEurekaServer;

/**
 * The real Spring Cloud Netflix Eureka server, configured as a standalone node for tests
 * (see application.properties). Run: java -jar eureka-server-reference.jar --server.port=PORT
 */
@SpringBootApplication
@EnableEurekaServer
public class ReferenceEurekaServer {

	public static void main(String[] args) {
		SpringApplication.run(ReferenceEurekaServer.class, args);
	}

}
