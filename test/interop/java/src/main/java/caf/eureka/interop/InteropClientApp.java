package caf.eureka.interop;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.netflix.appinfo.ApplicationInfoManager;
import com.netflix.appinfo.InstanceInfo;
import com.netflix.discovery.EurekaClient;
import com.netflix.discovery.shared.Application;
import com.netflix.discovery.shared.Applications;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.netflix.eureka.EurekaServiceInstance;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Interop probe: a plain Spring Cloud Netflix Eureka client (the real com.netflix.discovery
 * DiscoveryClient behind Spring Cloud's RestClient transport) that prints, once per interval, one
 * machine-readable line on stdout:
 *
 * <pre>
 * OBSERVED {"t":..,"self":{..},"version":..,"hash":"UP_1_","serverHash":"UP_1_","apps":{"APP":[{"id":..,"status":..}]},"requests":{"delta":{"200":7},..}}
 * </pre>
 *
 * "apps" is what the client's local registry copy holds (all statuses, not only UP); "requests"
 * counts every HTTP request the eureka transport made, by operation and response code, which lets
 * a driver check full-vs-delta fetch behaviour against any server. With
 * {@code interop.discover=<service-id>,...} each line also carries
 * {@code "discovered":{"<service-id>":[{"instanceId":..,"host":..,"port":..,"metadata":{..},"status":..}]}}:
 * what Spring's {@link DiscoveryClient#getInstances(String)} answers (the @Primary composite
 * client, backed by Eureka; by default it lists UP instances only).
 */
@SpringBootApplication
public class InteropClientApp {

	/** operation -> (status code -> count), filled by the RestClient interceptor below. */
	static final Map<String, Map<String, AtomicLong>> REQUESTS = new ConcurrentHashMap<>();

	private static final ObjectMapper JSON = new ObjectMapper();

	private final EurekaClient eurekaClient;

	private final ApplicationInfoManager infoManager;

	private final long intervalMs;

	private final DiscoveryClient discoveryClient;

	private final List<String> discover = new ArrayList<>();

	private ScheduledExecutorService printer;

	public InteropClientApp(EurekaClient eurekaClient, ApplicationInfoManager infoManager,
			@Value("${interop.observe-interval-ms:1000}") long intervalMs, DiscoveryClient discoveryClient,
			@Value("${interop.discover:}") String discover) {
		this.eurekaClient = eurekaClient;
		this.infoManager = infoManager;
		this.intervalMs = intervalMs;
		this.discoveryClient = discoveryClient;
		for (String id : discover.split(",")) {
			if (!id.isBlank()) {
				this.discover.add(id.trim());
			}
		}
	}

	public static void main(String[] args) {
		SpringApplication.run(InteropClientApp.class, args);
	}

	/**
	 * Spring Cloud's RestClientTransportClientFactory clones the context's RestClient.Builder, so
	 * a customizer sees every request the eureka client sends (register, renew, fetches, cancel).
	 */
	@Bean
	RestClientCustomizer eurekaRequestCounter() {
		return builder -> builder.requestInterceptor((request, body, execution) -> {
			String op = classify(request.getMethod().name(), request.getURI().getRawPath());
			String code = "io-error";
			try {
				ClientHttpResponse response = execution.execute(request, body);
				code = Integer.toString(response.getStatusCode().value());
				return response;
			}
			finally {
				REQUESTS.computeIfAbsent(op, k -> new ConcurrentHashMap<>())
					.computeIfAbsent(code, k -> new AtomicLong())
					.incrementAndGet();
			}
		});
	}

	/** Maps an eureka client request onto an operation name (paths are relative to /eureka/). */
	static String classify(String method, String path) {
		String p = path == null ? "" : path;
		int i = p.indexOf("/apps");
		String rest = i < 0 ? p : p.substring(i + "/apps".length());
		if (rest.endsWith("/") && rest.length() > 0) {
			rest = rest.substring(0, rest.length() - 1);
		}
		String[] seg = rest.isEmpty() ? new String[0] : rest.substring(1).split("/");
		if (i < 0) {
			return method + " other";
		}
		switch (method) {
			case "GET":
				if (seg.length == 0) {
					return "full";
				}
				if (seg.length == 1 && seg[0].equals("delta")) {
					return "delta";
				}
				return "get";
			case "POST":
				return seg.length == 1 ? "register" : "post";
			case "PUT":
				if (seg.length == 2) {
					return "renew";
				}
				return seg.length == 3 && seg[2].equals("status") ? "status" : "put";
			case "DELETE":
				if (seg.length == 2) {
					return "cancel";
				}
				return seg.length == 3 && seg[2].equals("status") ? "status-delete" : "delete";
			default:
				return method + " other";
		}
	}

	@EventListener(ApplicationReadyEvent.class)
	public void startPrinting() {
		printer = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread t = new Thread(r, "interop-observer");
			t.setDaemon(true);
			return t;
		});
		printer.scheduleAtFixedRate(this::printObservation, 0, intervalMs, TimeUnit.MILLISECONDS);
	}

	@EventListener(ContextClosedEvent.class)
	public void stopPrinting() {
		if (printer != null) {
			printer.shutdownNow();
		}
		emit("EVENT", JSON.createObjectNode().put("event", "context-closed").set("requests", requests()));
	}

	void printObservation() {
		try {
			ObjectNode root = JSON.createObjectNode();
			root.put("t", System.currentTimeMillis());

			InstanceInfo me = infoManager.getInfo();
			ObjectNode self = root.putObject("self");
			self.put("app", me.getAppName());
			self.put("id", me.getId());
			self.put("localStatus", String.valueOf(me.getStatus()));
			self.put("remoteStatus", String.valueOf(eurekaClient.getInstanceRemoteStatus()));

			Applications apps = eurekaClient.getApplications();
			ObjectNode appsNode = JSON.createObjectNode();
			if (apps != null) {
				root.put("version", apps.getVersion());
				root.put("hash", apps.getReconcileHashCode());
				root.put("serverHash", apps.getAppsHashCode());
				Map<String, Application> sorted = new TreeMap<>();
				for (Application a : apps.getRegisteredApplications()) {
					sorted.put(a.getName(), a);
				}
				for (Map.Entry<String, Application> e : sorted.entrySet()) {
					Map<String, InstanceInfo> byId = new TreeMap<>();
					for (InstanceInfo ii : e.getValue().getInstancesAsIsFromEureka()) {
						byId.put(ii.getId(), ii);
					}
					ArrayNode list = appsNode.putArray(e.getKey());
					for (InstanceInfo ii : byId.values()) {
						ObjectNode n = list.addObject();
						n.put("id", ii.getId());
						n.put("status", String.valueOf(ii.getStatus()));
						n.put("overriddenStatus", String.valueOf(ii.getOverriddenStatus()));
						n.put("hostName", ii.getHostName());
						n.put("port", ii.getPort());
					}
				}
			}
			root.set("apps", appsNode);
			if (!discover.isEmpty()) {
				ObjectNode found = root.putObject("discovered");
				for (String serviceId : discover) {
					ArrayNode list = found.putArray(serviceId);
					for (ServiceInstance si : discoveryClient.getInstances(serviceId)) {
						ObjectNode n = list.addObject();
						n.put("instanceId", si.getInstanceId());
						n.put("serviceId", si.getServiceId());
						n.put("host", si.getHost());
						n.put("port", si.getPort());
						n.put("secure", si.isSecure());
						n.put("uri", String.valueOf(si.getUri()));
						ObjectNode md = n.putObject("metadata");
						new TreeMap<>(si.getMetadata()).forEach(md::put);
						if (si instanceof EurekaServiceInstance esi) {
							n.put("status", String.valueOf(esi.getInstanceInfo().getStatus()));
						}
					}
				}
			}
			root.set("requests", requests());
			emit("OBSERVED", root);
		}
		catch (RuntimeException ex) {
			emit("EVENT", JSON.createObjectNode().put("event", "observe-error").put("error", ex.toString()));
		}
	}

	private static ObjectNode requests() {
		ObjectNode out = JSON.createObjectNode();
		new TreeMap<>(REQUESTS).forEach((op, codes) -> {
			ObjectNode c = out.putObject(op);
			new TreeMap<>(codes).forEach((code, n) -> c.put(code, n.get()));
		});
		return out;
	}

	private static void emit(String tag, ObjectNode node) {
		String line;
		try {
			line = tag + " " + JSON.writeValueAsString(node);
		}
		catch (IOException ex) {
			line = "EVENT {\"event\":\"json-error\"}";
		}
		synchronized (System.out) {
			System.out.println(line);
			System.out.flush();
		}
	}

}
