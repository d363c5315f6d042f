package market.resale.opstests;

import market.resale.testsupport.ProjectLayout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaAuthorizationSimple;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import market.resale.schemas.topics.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders every kustomize overlay with {@code kubectl kustomize} and reads each object into the real
 * typed model of its apiVersion/kind: fabric8's Kubernetes and Prometheus Operator models, Strimzi's own
 * {@code io.strimzi:api}. An unknown field, a value of the wrong type, or an apiVersion/kind that is not
 * served any more fails. Then checks what a reviewer would: probes, resources, the restricted security
 * context, HPAs within the partition count, and that every service has its Service, PDB, ServiceMonitor
 * and KafkaUser.
 */
class KubernetesManifestsTest {

    static final List<String> OVERLAYS = List.of("dev", "prod");

    /** Secrets the manifests read but do not declare: each is written by someone else (deploy/k8s/README.md). */
    static final Set<String> EXTERNAL_SECRETS = Set.of(
            "jwt-issuer",                      // the operator: spring.security.oauth2.resourceserver.jwt.*
            "resale-kafka-cluster-ca-cert",    // Strimzi's cluster operator: the CA of the brokers' TLS listener
            // the operator: the key each service's instances sign forwards with (app.web.forward-key)
            "orders-service-forward-key", "shipping-service-forward-key", "credits-service-forward-key",
            "messaging-service-forward-key", "support-service-forward-key");
    // ...and one Secret per KafkaUser, written by Strimzi's User Operator (checked against the KafkaUsers).

    /**
     * The apiVersion/kind pairs this deployment may use, each with its typed model. The pair is read
     * from the model class (fabric8's {@code @Group}/{@code @Version}), so {@code policy/v1beta1},
     * {@code autoscaling/v2beta2}, {@code extensions/v1beta1} or {@code kafka.strimzi.io/v1beta2} are
     * simply not known. A new kind needs its model here.
     */
    static final Map<String, Class<? extends HasMetadata>> MODELS = Stream.of(
                    Namespace.class, ConfigMap.class, Secret.class, Service.class, ServiceAccount.class,
                    Deployment.class, io.fabric8.kubernetes.api.model.batch.v1.Job.class, PodDisruptionBudget.class,
                    HorizontalPodAutoscaler.class,
                    ServiceMonitor.class, PodMonitor.class, PrometheusRule.class,
                    Kafka.class, KafkaNodePool.class, KafkaTopic.class, KafkaUser.class)
            .collect(Collectors.toMap(KubernetesManifestsTest::typeOf, c -> c, (a, b) -> a, LinkedHashMap::new));

    /**
     * Strict reading: fabric8's and Strimzi's models keep unknown fields in an {@code additionalProperties}
     * map (a Jackson any-setter), which FAIL_ON_UNKNOWN_PROPERTIES alone never sees. The modifier takes
     * the any-setter (and any ignoreUnknown) away from every bean, so an unknown field is an error.
     * Strings are not coerced to numbers or booleans: the API server does not do that either.
     */
    static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .addModule(new SimpleModule("no-additional-properties").setDeserializerModifier(new BeanDeserializerModifier() {
                @Override
                public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription bean,
                                                             BeanDeserializerBuilder builder) {
                    builder.setAnySetter(null);
                    builder.setIgnoreUnknownProperties(false);
                    return builder;
                }
            }))
            .build();

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final Map<Path, List<ObjectNode>> RENDERED = new ConcurrentHashMap<>();

    // ---------------------------------------------------------------- the checks

    @ParameterizedTest(name = "deploy/k8s/overlays/{0}")
    @ValueSource(strings = {"dev", "prod"})
    void everyObjectIsValidForItsTypedModel(String overlay) {
        var validation = validate(render(overlay));

        assertThat(validation.problems()).as("deploy/k8s/overlays/%s against the typed models", overlay).isEmpty();
        assertThat(validation.objects()).as("objects rendered").hasSizeGreaterThan(40);
        // Names the API server takes: DNS-1123 subdomains, and DNS-1035 labels where they become host names.
        for (var object : validation.objects()) {
            var name = object.getMetadata().getName();
            assertThat(name).as("%s name", object.getKind()).hasSizeLessThanOrEqualTo(253)
                    .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
            if (object instanceof Service || object instanceof Namespace) {
                assertThat(name).as("%s name", object.getKind()).hasSizeLessThanOrEqualTo(63).matches("[a-z]([-a-z0-9]*[a-z0-9])?");
            }
        }
        assertThat(validation.objects()).as("one object per kind and name")
                .extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).doesNotHaveDuplicates();
    }

    @Test
    void anUnknownFieldFailsAtAnyDepth() {
        var problems = validate(documents("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: broken
                spec:
                  selector:
                    matchLabels: {app: broken}
                  template:
                    metadata:
                      labels: {app: broken}
                    spec:
                      containers:
                        - name: broken
                          image: example/broken:1
                          livenessProbes:
                            httpGet: {path: /, port: 8080}
                ---
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaUser
                metadata:
                  name: broken
                spec:
                  authentication:
                    type: scram-sha-512
                  authorization:
                    type: simple
                    acls:
                      - resource: {type: topic, name: t, patternType: literal}
                        operation: Read
                ---
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata:
                  name: broken
                spec:
                  selector:
                    matchLabels: {app: broken}
                  endpoints:
                    - port: http
                      pth: /actuator/prometheus
                """)).problems();

        assertThat(problems).hasSize(3);
        assertThat(problems.get(0)).contains("Deployment/broken", "unknown field 'livenessProbes'", "spec.template.spec.containers[0]");
        // Strimzi's v1 API dropped the singular 'operation' of v1beta2: only 'operations' is known.
        assertThat(problems.get(1)).contains("KafkaUser/broken", "unknown field 'operation'", "spec.authorization.acls[0]");
        assertThat(problems.get(2)).contains("ServiceMonitor/broken", "unknown field 'pth'", "spec.endpoints[0]");
    }

    @Test
    void aValueOfTheWrongTypeOrAnUnknownEnumFails() {
        var problems = validate(documents("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: broken
                spec:
                  replicas: "three"
                  selector:
                    matchLabels: {app: broken}
                  template:
                    metadata:
                      labels: {app: broken}
                    spec:
                      containers: [{name: broken, image: example/broken:1}]
                ---
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaUser
                metadata:
                  name: broken
                spec:
                  authorization:
                    type: simple
                    acls:
                      - resource: {type: topic, name: t, patternType: literal}
                        operations: [Reed]
                """)).problems();

        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).contains("Deployment/broken", "spec.replicas");
        assertThat(problems.get(1)).contains("KafkaUser/broken", "Reed");
    }

    @Test
    void removedApiVersionsFail() {
        var problems = validate(documents("""
                apiVersion: policy/v1beta1
                kind: PodDisruptionBudget
                metadata: {name: removed-in-1-25}
                spec: {maxUnavailable: 1, selector: {matchLabels: {app: x}}}
                ---
                apiVersion: autoscaling/v2beta2
                kind: HorizontalPodAutoscaler
                metadata: {name: removed-in-1-26}
                spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: x}, maxReplicas: 2}
                ---
                apiVersion: extensions/v1beta1
                kind: Deployment
                metadata: {name: removed-in-1-16}
                spec: {}
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata: {name: removed-in-strimzi-1-0}
                spec: {partitions: 1, replicas: 1}
                """)).problems();

        assertThat(problems).hasSize(4).allSatisfy(p -> assertThat(p).contains("is not a known apiVersion/kind"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("policy/v1beta1 PodDisruptionBudget"))
                .anySatisfy(p -> assertThat(p).contains("autoscaling/v2beta2 HorizontalPodAutoscaler"))
                .anySatisfy(p -> assertThat(p).contains("extensions/v1beta1 Deployment"))
                .anySatisfy(p -> assertThat(p).contains("kafka.strimzi.io/v1beta2 KafkaTopic"));
    }

    /** The whole path, kubectl included: an overlay on top of prod (kustomize takes it by relative path only). */
    @Test
    void aBrokenOverlayOnTopOfProdFailsTheCheck(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - %s
                patches:
                  - target: {kind: Deployment, name: orders-service}
                    patch: |-
                      - op: add
                        path: /spec/template/spec/containers/0/livenessProbes
                        value: {periodSeconds: 10}
                  - target: {kind: HorizontalPodAutoscaler, name: credits-service}
                    patch: |-
                      - op: replace
                        path: /apiVersion
                        value: autoscaling/v2beta2
                """.formatted(dir.toAbsolutePath().relativize(overlayDir("prod").toAbsolutePath())));

        var problems = validate(renderDirectory(dir)).problems();

        assertThat(problems).hasSize(2);
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("Deployment/orders-service", "unknown field 'livenessProbes'"))
                .anySatisfy(p -> assertThat(p).contains("autoscaling/v2beta2 HorizontalPodAutoscaler", "credits-service"));
    }

    @ParameterizedTest(name = "deploy/k8s/overlays/{0}")
    @ValueSource(strings = {"dev", "prod"})
    void everyDeploymentHasProbesResourcesAndARestrictedSecurityContext(String overlay) {
        var objects = typed(overlay);
        var deployments = all(objects, Deployment.class);
        // The services, the registry, the OpenTelemetry Collector and Jaeger.
        assertThat(deployments).hasSize(Topics.APPLICATIONS.size() + 3);

        for (var deployment : deployments) {
            var name = deployment.getMetadata().getName();
            var pod = deployment.getSpec().getTemplate().getSpec();
            var podSecurity = pod.getSecurityContext();
            assertThat(pod.getAutomountServiceAccountToken()).as("%s automountServiceAccountToken", name).isFalse();
            assertThat(podSecurity).as("%s pod securityContext", name).isNotNull();
            for (var container : pod.getContainers()) {
                var what = name + "/" + container.getName();
                assertThat(container.getStartupProbe()).as("%s startupProbe", what).isNotNull();
                assertThat(container.getLivenessProbe()).as("%s livenessProbe", what).isNotNull();
                assertThat(container.getReadinessProbe()).as("%s readinessProbe", what).isNotNull();
                assertThat(container.getImage()).as("%s image tag", what).matches("[^:@]+(:[\\w][\\w.-]*|@sha256:[0-9a-f]{64})")
                        .doesNotEndWith(":latest");

                var resources = container.getResources();
                assertThat(resources).as("%s resources", what).isNotNull();
                assertThat(resources.getRequests()).as("%s requests", what).containsKeys("cpu", "memory");
                assertThat(resources.getLimits()).as("%s limits", what).containsKeys("cpu", "memory");

                var security = container.getSecurityContext();
                assertThat(security).as("%s securityContext", what).isNotNull();
                assertThat(firstNonNull(security.getRunAsNonRoot(), podSecurity.getRunAsNonRoot())).as("%s runAsNonRoot", what).isTrue();
                assertThat(security.getAllowPrivilegeEscalation()).as("%s allowPrivilegeEscalation", what).isFalse();
                assertThat(security.getReadOnlyRootFilesystem()).as("%s readOnlyRootFilesystem", what).isTrue();
                assertThat(security.getPrivileged()).as("%s privileged", what).isNotEqualTo(Boolean.TRUE);
                assertThat(security.getCapabilities()).as("%s capabilities", what).isNotNull();
                assertThat(security.getCapabilities().getDrop()).as("%s capabilities.drop", what).contains("ALL");
                assertThat(security.getCapabilities().getAdd()).as("%s capabilities.add", what).isNullOrEmpty();
                var seccomp = security.getSeccompProfile() != null ? security.getSeccompProfile() : podSecurity.getSeccompProfile();
                assertThat(seccomp).as("%s seccompProfile", what).isNotNull();
                assertThat(seccomp.getType()).as("%s seccompProfile", what).isEqualTo("RuntimeDefault");
                // A read-only root filesystem still needs a writable /tmp for the JVM (and RocksDB's native library).
                assertThat(mountPaths(container)).as("%s writable /tmp", what).contains("/tmp");
                for (var mount : container.getVolumeMounts()) {
                    assertThat(volume(pod, mount.getName())).as("%s volume %s", what, mount.getName()).isPresent();
                }
            }
        }
    }

    /**
     * Schema registration is a deploy step: one Job runs {@code ops-tools register-schemas} against the registry the
     * services use, with the release's image and a restricted pod like theirs, and the services run with
     * auto-registration off (they refuse to start while a schema they write is not registered).
     */
    @ParameterizedTest(name = "deploy/k8s/overlays/{0}")
    @ValueSource(strings = {"dev", "prod"})
    void schemasAreRegisteredByAJobAndNeverByAService(String overlay) {
        var objects = typed(overlay);
        var job = only(all(objects, io.fabric8.kubernetes.api.model.batch.v1.Job.class));
        var pod = job.getSpec().getTemplate().getSpec();
        var container = only(pod.getContainers());
        assertThat(container.getArgs()).containsExactly("register-schemas", "--registry-url=$(SCHEMA_REGISTRY_URL)");
        assertThat(container.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("SCHEMA_REGISTRY_URL");
            assertThat(e.getValueFrom().getConfigMapKeyRef().getName()).startsWith("service-config");
        });
        var serviceImage = all(objects, Deployment.class).stream()
                .filter(d -> d.getMetadata().getName().equals("orders-service")).findFirst().orElseThrow()
                .getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        assertThat(container.getImage()).as("the release's ops-tools")
                .isEqualTo(serviceImage.replace("orders-service", "ops-tools"));
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getRestartPolicy()).isEqualTo("OnFailure");
        assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
        var security = container.getSecurityContext();
        assertThat(security.getRunAsNonRoot()).isTrue();
        assertThat(security.getAllowPrivilegeEscalation()).isFalse();
        assertThat(security.getReadOnlyRootFilesystem()).isTrue();
        assertThat(security.getCapabilities().getDrop()).contains("ALL");
        assertThat(mountPaths(container)).contains("/tmp");
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).as("gone before the next release's apply").isNotNull();

        var config = byName(all(objects, ConfigMap.class)).entrySet().stream()
                .filter(e -> e.getKey().startsWith("service-config")).findFirst().orElseThrow().getValue().getData();
        assertThat(config).containsEntry("APP_KAFKA_AUTOREGISTERSCHEMAS", "false");
    }

    @ParameterizedTest(name = "deploy/k8s/overlays/{0}")
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceRunsAsUser1000WithItsConfigStateAndKafkaCredentials(String overlay) {
        var objects = typed(overlay);
        var configMaps = byName(all(objects, ConfigMap.class));
        var kafkaUsers = byName(all(objects, KafkaUser.class));

        for (var application : Topics.APPLICATIONS) {
            var deployment = named(objects, Deployment.class, application);
            var pod = deployment.getSpec().getTemplate().getSpec();
            var container = pod.getContainers().getFirst();
            var env = container.getEnv().stream().collect(Collectors.toMap(e -> e.getName(), e -> e));

            assertThat(firstNonNull(container.getSecurityContext().getRunAsUser(), pod.getSecurityContext().getRunAsUser()))
                    .as("%s runAsUser (the image's user)", application).isEqualTo(1000L);
            assertThat(named(objects, ServiceAccount.class, pod.getServiceAccountName()).getAutomountServiceAccountToken())
                    .as("%s ServiceAccount automountServiceAccountToken", application).isFalse();

            var http = container.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst();
            assertThat(http).as("%s container port 'http'", application).isPresent();
            assertThat(env.get("PORT").getValue()).as("%s PORT", application).isEqualTo(http.get().getContainerPort().toString());
            assertThat(env.get("ADVERTISED_HOST").getValueFrom().getFieldRef().getFieldPath())
                    .as("%s ADVERTISED_HOST (owner routing)", application).isEqualTo("status.podIP");

            // Its own KafkaUser's Secret, nobody else's.
            var jaas = env.get("APP_KAFKA_CLIENT_SASL_JAAS_CONFIG").getValueFrom().getSecretKeyRef();
            assertThat(jaas.getName()).as("%s SCRAM credentials", application).isEqualTo(application);
            assertThat(jaas.getKey()).isEqualTo("sasl.jaas.config");
            assertThat(kafkaUsers).as("KafkaUser %s", application).containsKey(application);

            // Config from the generated ConfigMap; the Streams state directory is a mounted volume.
            var config = new LinkedHashMap<String, String>();
            for (var source : container.getEnvFrom()) {
                if (source.getConfigMapRef() != null) {
                    assertThat(configMaps).as("%s ConfigMap %s", application, source.getConfigMapRef().getName())
                            .containsKey(source.getConfigMapRef().getName());
                    config.putAll(configMaps.get(source.getConfigMapRef().getName()).getData());
                }
            }
            assertThat(config).as("%s configuration", application)
                    .containsKeys("KAFKA_BOOTSTRAP_SERVERS", "SCHEMA_REGISTRY_URL", "STATE_DIR", "JAVA_TOOL_OPTIONS")
                    .containsEntry("APP_KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_SSL")
                    .containsEntry("APP_KAFKA_CLIENT_SASL_MECHANISM", "SCRAM-SHA-512");
            assertThat(config.get("JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=75");
            assertThat(mountPaths(container)).as("%s state directory", application).contains(config.get("STATE_DIR"));
            assertThat(config.get("KAFKA_BOOTSTRAP_SERVERS"))
                    .startsWith(only(all(objects, Kafka.class)).getMetadata().getName() + "-kafka-bootstrap:");
        }
    }

    @ParameterizedTest(name = "deploy/k8s/overlays/{0}")
    @ValueSource(strings = {"dev", "prod"})
    void everySecretReadIsDeclaredOrWrittenByStrimzi(String overlay) {
        var objects = typed(overlay);
        var known = new java.util.HashSet<>(EXTERNAL_SECRETS);
        all(objects, KafkaUser.class).forEach(u -> known.add(u.getMetadata().getName()));
        all(objects, Secret.class).forEach(s -> known.add(s.getMetadata().getName()));

        for (var deployment : all(objects, Deployment.class)) {
            var pod = deployment.getSpec().getTemplate().getSpec();
            var read = new ArrayList<String>();
            pod.getVolumes().stream().filter(v -> v.getSecret() != null).forEach(v -> read.add(v.getSecret().getSecretName()));
            for (var container : pod.getContainers()) {
                container.getEnv().stream().filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                        .forEach(e -> read.add(e.getValueFrom().getSecretKeyRef().getName()));
                container.getEnvFrom().stream().filter(e -> e.getSecretRef() != null).forEach(e -> read.add(e.getSecretRef().getName()));
            }
            assertThat(known).as("Secrets %s reads", deployment.getMetadata().getName()).containsAll(read);
        }
    }

    @ParameterizedTest(name = "deploy/k8s/overlays/{0}")
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceHasAServiceAPdbAServiceMonitorAndAKafkaUser(String overlay) {
        var objects = typed(overlay);

        for (var application : Topics.APPLICATIONS) {
            var deployment = named(objects, Deployment.class, application);
            var podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
            assertThat(deployment.getSpec().getSelector().getMatchLabels()).as("%s selector", application)
                    .containsEntry("app.kubernetes.io/name", application);

            var service = named(objects, Service.class, application);
            assertThat(service.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", application);
            assertThat(podLabels).as("%s Service selects its pods", application).containsAllEntriesOf(service.getSpec().getSelector());
            var port = service.getSpec().getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst();
            assertThat(port).as("%s Service port 'http'", application).isPresent();
            assertThat(port.get().getTargetPort().getStrVal()).as("%s Service targetPort", application).isEqualTo("http");

            var pdb = named(objects, PodDisruptionBudget.class, application);
            assertThat(podLabels).as("%s PDB selects its pods", application).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());

            var monitors = all(objects, ServiceMonitor.class).stream()
                    .filter(m -> service.getMetadata().getLabels().entrySet().containsAll(m.getSpec().getSelector().getMatchLabels().entrySet()))
                    .toList();
            assertThat(monitors).as("%s ServiceMonitor selecting its Service", application).hasSize(1);
            assertThat(monitors.getFirst().getSpec().getEndpoints()).as("%s scraped on port http", application)
                    .anySatisfy(e -> {
                        assertThat(e.getPort()).isEqualTo("http");
                        assertThat(e.getPath()).isEqualTo("/actuator/prometheus");
                    });

            assertThat(byName(all(objects, KafkaUser.class))).as("%s KafkaUser", application).containsKey(application);
        }
    }

    @ParameterizedTest(name = "deploy/k8s/overlays/{0}")
    @ValueSource(strings = {"dev", "prod"})
    void horizontalPodAutoscalersNeverScalePastThePartitions(String overlay) {
        var objects = typed(overlay);
        var deployments = byName(all(objects, Deployment.class));

        for (var hpa : all(objects, HorizontalPodAutoscaler.class)) {
            var name = hpa.getMetadata().getName();
            var target = hpa.getSpec().getScaleTargetRef();
            assertThat(hpa.getSpec().getMaxReplicas()).as("HPA %s maxReplicas (partitions: Topics.PARTITIONS)", name)
                    .isLessThanOrEqualTo(Topics.PARTITIONS);
            assertThat(hpa.getSpec().getMinReplicas()).as("HPA %s minReplicas", name).isNotNull()
                    .isLessThanOrEqualTo(hpa.getSpec().getMaxReplicas());
            assertThat(target.getKind()).isEqualTo("Deployment");
            assertThat(deployments).as("HPA %s target", name).containsKey(target.getName());
            assertThat(deployments.get(target.getName()).getSpec().getReplicas())
                    .as("%s replicas (owned by its HPA, or every apply resets them)", target.getName()).isNull();
        }
        // Without an HPA, a Deployment's fixed count must fit the partitions too.
        for (var deployment : deployments.values()) {
            if (deployment.getSpec().getReplicas() != null) {
                assertThat(deployment.getSpec().getReplicas()).isLessThanOrEqualTo(Topics.PARTITIONS);
            }
        }
        if (overlay.equals("prod")) {
            assertThat(all(objects, HorizontalPodAutoscaler.class)).extracting(h -> h.getSpec().getScaleTargetRef().getName())
                    .containsExactlyInAnyOrderElementsOf(Topics.APPLICATIONS);
        }
    }

    @ParameterizedTest(name = "deploy/k8s/overlays/{0}")
    @ValueSource(strings = {"dev", "prod"})
    void kafkaIsAuthenticatedAuthorizedAndSizedForTheOverlay(String overlay) {
        var objects = typed(overlay);
        var kafka = only(all(objects, Kafka.class));
        var cluster = kafka.getMetadata().getName();

        assertThat(kafka.getSpec().getKafka().getListeners()).isNotEmpty().allSatisfy(listener -> {
            assertThat(listener.getAuth()).as("listener %s authentication", listener.getName()).isNotNull();
            assertThat(listener.getAuth().getType()).isIn("scram-sha-512", "tls");
        });
        assertThat(kafka.getSpec().getKafka().getAuthorization()).isInstanceOf(KafkaAuthorizationSimple.class);
        assertThat(kafka.getSpec().getKafka().getConfig()).containsEntry("auto.create.topics.enable", false);

        var pools = all(objects, KafkaNodePool.class);
        int controllers = pools.stream().filter(p -> p.getSpec().getRoles().contains(ProcessRoles.CONTROLLER))
                .mapToInt(p -> p.getSpec().getReplicas()).sum();
        int brokers = pools.stream().filter(p -> p.getSpec().getRoles().contains(ProcessRoles.BROKER))
                .mapToInt(p -> p.getSpec().getReplicas()).sum();
        int replicas = overlay.equals("prod") ? 3 : 1;
        int minInSync = overlay.equals("prod") ? 2 : 1;
        assertThat(controllers).as("KRaft controllers").isEqualTo(replicas);
        assertThat(brokers).as("brokers").isEqualTo(replicas);
        assertThat(kafka.getSpec().getKafka().getConfig())
                .containsEntry("default.replication.factor", replicas)
                .containsEntry("min.insync.replicas", minInSync)
                .containsEntry("transaction.state.log.replication.factor", replicas)
                .containsEntry("transaction.state.log.min.isr", minInSync);

        for (var topic : all(objects, KafkaTopic.class)) {
            var name = topic.getMetadata().getName();
            assertThat(topic.getSpec().getReplicas()).as("topic %s replicas", name).isEqualTo(replicas);
            assertThat(topic.getSpec().getConfig()).as("topic %s", name).containsEntry("min.insync.replicas", minInSync);
        }
        Stream.of(all(objects, KafkaTopic.class), all(objects, KafkaUser.class), pools).flatMap(List::stream)
                .forEach(resource -> assertThat(resource.getMetadata().getLabels())
                        .as("%s/%s belongs to the cluster", resource.getKind(), resource.getMetadata().getName())
                        .containsEntry("strimzi.io/cluster", cluster));
        all(objects, KafkaUser.class).forEach(user -> {
            assertThat(user.getSpec().getAuthentication()).as("KafkaUser %s authentication", user.getMetadata().getName()).isNotNull();
            assertThat(user.getSpec().getAuthentication().getType()).isEqualTo("scram-sha-512");
        });
    }

    // ---------------------------------------------------------------- rendering

    static Path repositoryRoot() {
        return ProjectLayout.root();
    }

    static Path overlayDir(String overlay) {
        return repositoryRoot().resolve(ProjectLayout.K8S).resolve("overlays").resolve(overlay);
    }

    /** The rendered documents of deploy/k8s/overlays/{@code overlay}. */
    static List<ObjectNode> render(String overlay) {
        return renderDirectory(overlayDir(overlay));
    }

    static List<ObjectNode> renderDirectory(Path dir) {
        return RENDERED.computeIfAbsent(dir.toAbsolutePath(), d -> documents(kustomize(d)));
    }

    /**
     * {@code kubectl kustomize <dir>}: the renderer operators use ({@code kubectl apply -k}); kubectl 1.27 and
     * newer embed kustomize v5. A standalone {@code kustomize build} is taken when there is no kubectl.
     */
    static String kustomize(Path dir) {
        var process = startRendering(dir);
        var stderr = new java.util.concurrent.CompletableFuture<String>();
        Thread.ofVirtual().start(() -> {
            try {
                stderr.complete(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                stderr.complete(e.toString());
            }
        });
        try {
            var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return fail("Rendering " + dir + " did not finish within 2 minutes");
            }
            if (process.exitValue() != 0) {
                return fail("Rendering " + dir + " failed (" + String.join(" ", process.info().commandLine().stream().toList())
                        + ", exit " + process.exitValue() + "):\n" + stderr.join());
            }
            return out;
        } catch (IOException e) {
            return fail("Could not read the rendering of " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("Interrupted while rendering " + dir, e);
        }
    }

    private static Process startRendering(Path dir) {
        try {
            return new ProcessBuilder("kubectl", "kustomize", dir.toString()).start();
        } catch (IOException noKubectl) {
            try {
                return new ProcessBuilder("kustomize", "build", dir.toString()).start();
            } catch (IOException noKustomize) {
                return fail("""
                        Neither kubectl nor kustomize is on the PATH. These tests render the kustomize overlays with \
                        `kubectl kustomize`, as operators deploy them (`kubectl apply -k`): install kubectl 1.27 or newer \
                        (Debian's kubernetes-client is 1.20, whose kustomize v2 cannot read these overlays). (%s)"""
                        .formatted(noKubectl.getMessage()));
            }
        }
    }

    /** The YAML documents of a multi-document stream, as trees (empty documents skipped). */
    static List<ObjectNode> documents(String yaml) {
        try (var parser = YAML.getFactory().createParser(yaml)) {
            var result = new ArrayList<ObjectNode>();
            Iterator<JsonNode> nodes = YAML.readValues(parser, JsonNode.class);
            while (nodes.hasNext()) {
                var node = nodes.next();
                if (node == null || node.isNull() || node.isMissingNode()) {
                    continue;
                }
                if (!(node instanceof ObjectNode object)) {
                    return fail("A YAML document is not an object: " + node);
                }
                result.add(object);
            }
            return result;
        } catch (IOException e) {
            return fail("Not YAML: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- validation against the models

    record Validation(List<HasMetadata> objects, List<String> problems) {
    }

    static String typeOf(Class<? extends HasMetadata> model) {
        return HasMetadata.getApiVersion(model) + " " + HasMetadata.getKind(model);
    }

    /** Reads every document into its typed model; collects every problem instead of stopping at the first. */
    static Validation validate(List<ObjectNode> documents) {
        var objects = new ArrayList<HasMetadata>();
        var problems = new ArrayList<String>();
        for (var document : documents) {
            var apiVersion = document.path("apiVersion").asText("");
            var kind = document.path("kind").asText("");
            var name = kind + "/" + document.path("metadata").path("name").asText("<no name>");
            var model = MODELS.get(apiVersion + " " + kind);
            if (model == null) {
                problems.add("%s: %s %s is not a known apiVersion/kind (removed, misspelled or without a model here); known: %s"
                        .formatted(name, apiVersion, kind, MODELS.keySet()));
                continue;
            }
            try {
                var object = STRICT.treeToValue(document, model);
                var lost = lostInTheModel(document, model, STRICT.valueToTree(object));
                if (!lost.isEmpty()) {
                    problems.add("%s: the model does not keep %s".formatted(name, lost));
                    continue;
                }
                objects.add(object);
            } catch (JsonMappingException e) {
                problems.add("%s: %s (at %s)".formatted(name, describe(e), path(e)));
            } catch (JsonProcessingException | IllegalArgumentException e) {
                problems.add("%s: %s".formatted(name, e.getMessage()));
            }
        }
        return new Validation(objects, problems);
    }

    private static String describe(JsonMappingException e) {
        if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException unknown) {
            return "unknown field '" + unknown.getPropertyName() + "'";
        }
        return e.getOriginalMessage();
    }

    /** Where in the document: spec.template.spec.containers[0] (the parent of an unknown field). */
    private static String path(JsonMappingException e) {
        var references = e.getPath();
        var last = e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException ? references.size() - 1 : references.size();
        var path = new StringBuilder();
        for (int i = 0; i < last; i++) {
            var reference = references.get(i);
            if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "<top>" : path.toString();
    }

    /**
     * What the document says that the model, written back, does not keep: a value the model dropped or
     * changed (an enum read as null, a field the model ignores). A field the model leaves out because it
     * holds the default (Strimzi omits {@code patternType: literal}, {@code deleteClaim: false}) is fine:
     * reading the document without it gives the same object.
     */
    static List<String> lostInTheModel(ObjectNode document, Class<? extends HasMetadata> model, JsonNode kept) {
        var lost = new ArrayList<String>();
        for (var pointer : differences(document, kept, JsonPointer.empty())) {
            if (pointer.changed() || !isDefault(document, pointer.at(), model, kept)) {
                lost.add(pointer.describe());
            }
        }
        return lost;
    }

    private record Difference(JsonPointer at, boolean changed, String detail) {
        String describe() {
            var path = at.toString().substring(1).replace('/', '.').replaceAll("\\.(\\d+)(?=\\.|$)", "[$1]");
            return changed ? path + " (" + detail + ")" : path;
        }
    }

    private static List<Difference> differences(JsonNode written, JsonNode kept, JsonPointer at) {
        var found = new ArrayList<Difference>();
        if (written.isObject()) {
            written.fieldNames().forEachRemaining(field -> {
                var child = at.appendProperty(field);
                var value = written.get(field);
                if (kept == null || !kept.has(field) || kept.get(field).isNull()) {
                    if (!value.isNull() && !(value.isContainerNode() && value.isEmpty())) {
                        found.add(new Difference(child, false, null));
                    }
                } else {
                    found.addAll(differences(value, kept.get(field), child));
                }
            });
        } else if (written.isArray()) {
            if (kept == null || !kept.isArray() || kept.size() != written.size()) {
                found.add(new Difference(at, true, "a list of " + written.size() + " became " + kept));
            } else {
                for (int i = 0; i < written.size(); i++) {
                    found.addAll(differences(written.get(i), kept.get(i), at.appendIndex(i)));
                }
            }
        } else if (!written.asText().equals(kept.asText())) {
            found.add(new Difference(at, true, written.asText() + " became " + kept));
        }
        return found;
    }

    private static boolean isDefault(ObjectNode document, JsonPointer field, Class<? extends HasMetadata> model, JsonNode kept) {
        var without = document.deepCopy();
        var parent = without.at(field.head());
        if (!(parent instanceof ObjectNode object)) {
            return false;
        }
        object.remove(field.last().getMatchingProperty());
        try {
            return STRICT.valueToTree(STRICT.treeToValue(without, model)).equals(kept);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- typed access

    private static final Map<String, List<HasMetadata>> TYPED = new ConcurrentHashMap<>();

    /** The typed objects of an overlay, after it validated. */
    static List<HasMetadata> typed(String overlay) {
        return TYPED.computeIfAbsent(overlay, o -> {
            var validation = validate(render(o));
            assertThat(validation.problems()).as("deploy/k8s/overlays/%s against the typed models", o).isEmpty();
            return validation.objects();
        });
    }

    static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T extends HasMetadata> T named(List<HasMetadata> objects, Class<T> type, String name) {
        var matches = all(objects, type).stream().filter(o -> o.getMetadata().getName().equals(name)).toList();
        assertThat(matches).as("%s %s", type.getSimpleName(), name).hasSize(1);
        return matches.getFirst();
    }

    static <T extends HasMetadata> Map<String, T> byName(List<T> objects) {
        return objects.stream().collect(Collectors.toMap(o -> o.getMetadata().getName(), Function.identity()));
    }

    static <T> T only(List<T> objects) {
        assertThat(objects).hasSize(1);
        return objects.getFirst();
    }

    private static List<String> mountPaths(Container container) {
        return container.getVolumeMounts().stream().map(m -> m.getMountPath()).toList();
    }

    private static Optional<Volume> volume(PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst();
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        return Stream.of(values).filter(Objects::nonNull).findFirst().orElse(null);
    }
}
