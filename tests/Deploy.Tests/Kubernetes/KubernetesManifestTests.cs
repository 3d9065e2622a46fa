using System.Text.RegularExpressions;
using AttnRnnCluster.Deploy.Tests.Yaml;
using YamlDotNet.RepresentationModel;

namespace AttnRnnCluster.Deploy.Tests.Kubernetes;

/// <summary>deploy/k8s checked offline: the fields Kubernetes requires, and the names that must agree across objects.</summary>
public sealed partial class KubernetesManifestTests
{
    private const string BaseFolder = "deploy/k8s/base";
    private const string TlsFolder = "deploy/k8s/tls";
    private static readonly Manifests Base = Manifests.Load(BaseFolder);

    [Fact]
    public void The_base_kustomization_lists_every_manifest_beside_it()
    {
        var manifests = Repository.FilesUnder(BaseFolder, ".yaml").Select(Path.GetFileName)
            .Where(name => name != "kustomization.yaml");

        Assert.Equal(manifests.Order(), Manifests.Resources(BaseFolder).Order());
        Assert.Equal(["ConfigMap", "Deployment", "Service", "StatefulSet"], Base.Objects.Select(o => o.Kind).Order());
    }

    [Fact]
    public void Every_object_has_an_api_version_a_kind_and_a_name()
    {
        Assert.All(Base.Objects, o =>
        {
            Assert.Matches("^(v1|apps/v1)$", o.Document.At("apiVersion").Text($"{o.File}: apiVersion"));
            Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", o.Name);
        });
    }

    [Fact]
    public void Each_workload_selects_the_labels_of_its_own_pods()
    {
        Assert.All(Base.Workloads, workload =>
        {
            var selector = workload.Document.At("spec", "selector", "matchLabels").Texts($"{workload.Name}: spec.selector.matchLabels");
            var labels = workload.Document.At("spec", "template", "metadata", "labels").Texts($"{workload.Name}: pod labels");

            Assert.NotEmpty(selector);
            Assert.All(selector, label => Assert.Equal(label.Value, labels.GetValueOrDefault(label.Key)));
        });
        var workerSelector = Base.Single("Deployment", "attnrnn-worker").Document.At("spec", "selector", "matchLabels").Texts("worker selector");
        var coordinatorLabels = Base.Single("StatefulSet", "attnrnn-coordinator").Document.At("spec", "template", "metadata", "labels").Texts("coordinator labels");
        Assert.False(workerSelector.All(label => coordinatorLabels.GetValueOrDefault(label.Key) == label.Value),
            "the worker Deployment's selector also matches the coordinator's pod");
    }

    [Fact]
    public void Every_container_has_an_image_resources_within_their_limits_and_probes_on_a_declared_port()
    {
        Assert.All(Base.Workloads.SelectMany(Manifests.Containers), container =>
        {
            string name = container.At("name").Text("container name");
            Assert.NotEmpty(container.At("image").Text($"{name}: image"));
            foreach (string resource in new[] { "cpu", "memory" })
            {
                decimal request = ResourceQuantity.Parse(container.At("resources", "requests", resource).Text($"{name}: requests.{resource}"));
                decimal limit = ResourceQuantity.Parse(container.At("resources", "limits", resource).Text($"{name}: limits.{resource}"));
                Assert.InRange(request, 0.001m, limit);
            }
            var ports = container.At("ports").Sequence($"{name}: ports").Items.Select(port => port.At("name").Text("port name")).ToList();
            foreach (string probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
                Assert.Contains(container.At(probe, "httpGet", "port").Text($"{name}: {probe}.httpGet.port"), ports);
        });
    }

    [Fact]
    public void Probes_ask_the_http_surface_the_pod_serves_on_its_address_and_prometheus_is_told_where_it_is()
    {
        Assert.All(Base.Workloads, workload =>
        {
            var container = Assert.Single(Manifests.Containers(workload));
            string httpPort = Manifests.EnvironmentValue(container, "ATTNRNN_HTTP_PORT");
            var declared = container.At("ports").Sequence($"{workload.Name}: ports").Items.Single(port => port.At("name").Text("port name") == "http");
            var annotations = workload.Document.At("spec", "template", "metadata", "annotations").Texts($"{workload.Name}: pod annotations");

            Assert.Equal(httpPort, declared.At("containerPort").Text("http containerPort"));
            // On the pod's address: the kubelet and Prometheus come from outside the pod.
            Assert.Equal("0.0.0.0", Manifests.EnvironmentValue(container, "ATTNRNN_HTTP_HOSTNAME"));
            Assert.Equal("/healthz", container.At("startupProbe", "httpGet", "path").Text("startupProbe path"));
            Assert.Equal("/healthz", container.At("livenessProbe", "httpGet", "path").Text("livenessProbe path"));
            Assert.Equal("/readyz", container.At("readinessProbe", "httpGet", "path").Text("readinessProbe path"));
            Assert.Equal("true", annotations["prometheus.io/scrape"]);
            Assert.Equal(httpPort, annotations["prometheus.io/port"]);
            Assert.Equal("/metrics", annotations["prometheus.io/path"]);
        });
    }

    [Fact]
    public void The_coordinator_has_one_replica_a_claim_for_its_runs_and_a_headless_service_that_stays_resolvable()
    {
        var coordinator = Base.Single("StatefulSet", "attnrnn-coordinator").Document;
        var service = Base.Single("Service", coordinator.At("spec", "serviceName").Text("spec.serviceName")).Document;

        Assert.Equal("1", coordinator.At("spec", "replicas").Text("replicas"));
        Assert.Equal("None", service.At("spec", "clusterIP").Text("clusterIP"));
        Assert.Equal("true", service.At("spec", "publishNotReadyAddresses").Text("publishNotReadyAddresses"));
        var podLabels = coordinator.At("spec", "template", "metadata", "labels").Texts("pod labels");
        Assert.All(service.At("spec", "selector").Texts("service selector"), label => Assert.Equal(label.Value, podLabels.GetValueOrDefault(label.Key)));

        var container = Assert.Single(Manifests.Containers(Base.Single("StatefulSet", "attnrnn-coordinator")));
        var servicePort = Assert.Single(service.At("spec", "ports").Sequence("service ports").Items);
        var containerPort = container.At("ports").Sequence("ports").Items
            .Single(port => port.At("name").Text("port name") == servicePort.At("targetPort").Text("targetPort"));
        Assert.Equal(servicePort.At("port").Text("port"), containerPort.At("containerPort").Text("containerPort"));
        Assert.Equal(servicePort.At("port").Text("port"), Manifests.EnvironmentValue(container, "ATTNRNN_PORT"));

        var claims = coordinator.At("spec", "volumeClaimTemplates").Sequence("volumeClaimTemplates").Items;
        var runs = Assert.Single(claims, claim => claim.At("metadata", "name").Text("claim name") == "runs");
        Assert.NotNull(runs.At("spec", "resources", "requests", "storage"));
        Assert.Contains(container.At("volumeMounts").Sequence("volumeMounts").Items,
            mount => mount.At("name").Text("name") == "runs" && mount.At("mountPath").Text("mountPath") == "/var/lib/attnrnn/runs");
    }

    [Fact]
    public void Every_volume_mount_names_a_volume_or_claim_of_its_pod()
    {
        Assert.All(Base.Workloads, workload =>
        {
            var declared = new List<string>();
            if (workload.Document.At("spec", "template", "spec", "volumes") is { } volumes)
                declared.AddRange(volumes.Sequence("volumes").Items.Select(v => v.At("name").Text("volume name")));
            if (workload.Document.At("spec", "volumeClaimTemplates") is { } claims)
                declared.AddRange(claims.Sequence("claims").Items.Select(c => c.At("metadata", "name").Text("claim name")));
            foreach (var container in Manifests.Containers(workload))
                Assert.All(container.At("volumeMounts").Sequence("volumeMounts").Items,
                    mount => Assert.Contains(mount.At("name").Text("mount name"), declared));
        });
    }

    [Fact]
    public void Configuration_values_are_strings_and_the_config_map_they_come_from_exists()
    {
        var configMap = Assert.Single(Base.Objects, o => o.Kind == "ConfigMap");
        Assert.All(configMap.Document.At("data").Mapping("data").Entries, entry =>
            Assert.True(entry.Value is YamlScalarNode { IsString: true }, $"ConfigMap {entry.Key} (line {entry.Value.Line}) is not a string: quote it"));

        foreach (var container in Base.Workloads.SelectMany(Manifests.Containers))
        {
            Assert.All(Manifests.Environment(container).Where(entry => entry.At("value") is not null), entry =>
                Assert.True(entry.At("value") is YamlScalarNode { IsString: true }, $"env {entry.At("name").Text("name")} is not a string: quote it"));
            Assert.All(container.At("envFrom").Sequence("envFrom").Items,
                source => Assert.Equal(configMap.Name, source.At("configMapRef", "name").Text("configMapRef.name")));
        }
    }

    [Fact]
    public void Environment_references_name_variables_defined_before_them()
    {
        // Kubernetes expands $(NAME) only from entries earlier in the same list; anything else stays literal.
        Assert.All(Base.Workloads.SelectMany(Manifests.Containers), container =>
        {
            var defined = new HashSet<string>();
            foreach (var entry in Manifests.Environment(container))
            {
                if (entry.At("value") is YamlScalarNode { Value: { } value })
                    Assert.All(Reference().Matches(value), match => Assert.Contains(match.Groups[1].Value, defined));
                defined.Add(entry.At("name").Text("env name"));
            }
        });
    }

    [Fact]
    public void Workers_join_the_exact_address_the_coordinator_advertises()
    {
        var coordinatorSet = Base.Single("StatefulSet", "attnrnn-coordinator");
        var coordinator = Assert.Single(Manifests.Containers(coordinatorSet));
        var worker = Assert.Single(Manifests.Containers(Base.Single("Deployment", "attnrnn-worker")));
        // As the pods see them: the StatefulSet's first pod, in some namespace.
        string Expand(string value, string podName) =>
            value.Replace("$(POD_NAME)", podName).Replace("$(POD_NAMESPACE)", "team-a");

        string advertised = Expand(Manifests.EnvironmentValue(coordinator, "ATTNRNN_PUBLIC_HOSTNAME"), $"{coordinatorSet.Name}-0");
        string port = Manifests.EnvironmentValue(coordinator, "ATTNRNN_PORT");
        string seed = Expand(Manifests.EnvironmentValue(worker, "ATTNRNN_SEED_NODES"), "attnrnn-worker-abc");

        Assert.Equal($"attnrnn-coordinator-0.attnrnn-coordinator.team-a.svc", advertised);
        Assert.Equal($"akka.ssl.tcp://attnrnn@{advertised}:{port}", seed);
        Assert.Equal("0.0.0.0", Manifests.EnvironmentValue(worker, "ATTNRNN_HOSTNAME"));
        var workerAddress = Manifests.Environment(worker).Single(entry => entry.At("name").Text("name") == "ATTNRNN_PUBLIC_HOSTNAME");
        Assert.Equal("status.podIP", workerAddress.At("valueFrom", "fieldRef", "fieldPath").Text("fieldPath"));
    }

    [Fact]
    public void The_tls_overlay_patches_existing_containers_with_a_mounted_certificate_and_the_password_from_the_secret()
    {
        var kustomization = Manifests.Kustomization(TlsFolder);
        Assert.Equal(["../base"], kustomization.At("resources").Sequence("resources").Items.Select(item => item.Text("resource")));
        var patches = kustomization.At("patches").Sequence("patches").Items.Select(item => item.At("path").Text("patch path")).ToList();
        Assert.Equal(2, patches.Count);

        foreach (string patchFile in patches)
        {
            var patch = Assert.Single(YamlDocuments.ReadFile(Repository.PathOf(TlsFolder, patchFile)));
            var target = Base.Single(patch.At("kind").Text("kind"), patch.At("metadata", "name").Text("metadata.name"));
            var container = Assert.Single(patch.At("spec", "template", "spec", "containers").Sequence("containers").Items).Mapping("container");
            Assert.Contains(container.At("name").Text("name"), Manifests.Containers(target).Select(c => c.At("name").Text("name")));

            var volume = Assert.Single(patch.At("spec", "template", "spec", "volumes").Sequence("volumes").Items);
            var mount = Assert.Single(container.At("volumeMounts").Sequence("volumeMounts").Items);
            Assert.Equal(volume.At("name").Text("volume name"), mount.At("name").Text("mount name"));
            string secret = volume.At("secret", "secretName").Text("secretName");
            string file = Assert.Single(volume.At("secret", "items").Sequence("items").Items).At("path").Text("item path");
            Assert.Equal($"{mount.At("mountPath").Text("mountPath")}/{file}", Manifests.EnvironmentValue(container, "ATTNRNN_TLS_CERT"));

            var password = Manifests.Environment(container).Single(entry => entry.At("name").Text("name") == "ATTNRNN_TLS_PASSWORD");
            Assert.Equal(secret, password.At("valueFrom", "secretKeyRef", "name").Text("secretKeyRef.name"));
        }
    }

    [Fact]
    public void Every_pod_reads_the_join_token_from_the_secret_and_the_tls_overlay_removes_it()
    {
        foreach (var container in Base.Workloads.SelectMany(Manifests.Containers))
        {
            var token = Manifests.Environment(container).Single(entry => entry.At("name").Text("name") == "ATTNRNN_JOIN_TOKEN");
            Assert.Equal("attnrnn-join-token", token.At("valueFrom", "secretKeyRef", "name").Text("secretKeyRef.name"));
            Assert.Equal("token", token.At("valueFrom", "secretKeyRef", "key").Text("secretKeyRef.key"));
            Assert.DoesNotContain(Manifests.Environment(container), entry => entry.At("name").Text("name") == "ATTNRNN_INSECURE");
        }
        foreach (var patch in Manifests.Kustomization(TlsFolder).At("patches").Sequence("patches").Items.Select(item => item.At("path").Text("patch path")))
        {
            var container = Assert.Single(Assert.Single(YamlDocuments.ReadFile(Repository.PathOf(TlsFolder, patch)))
                .At("spec", "template", "spec", "containers").Sequence("containers").Items).Mapping("container");
            var removal = Manifests.Environment(container).Single(entry => entry.At("name").Text("name") == "ATTNRNN_JOIN_TOKEN");
            Assert.Equal("delete", removal.At("$patch").Text("$patch"));
        }
    }

    [ProgramFact("kubectl")]
    public void Kubectl_renders_both_kustomizations_and_the_tls_one_gives_both_workloads_their_certificate_instead_of_the_token()
    {
        foreach (string folder in new[] { BaseFolder, TlsFolder })
        {
            var render = ProcessRun.Start("kubectl", ["kustomize", folder], TimeSpan.FromMinutes(1));
            Assert.True(render.ExitCode == 0, $"kubectl kustomize {folder}: {render}");

            var objects = YamlDocuments.Read(render.Output, $"kubectl kustomize {folder}");
            Assert.Equal(Base.Objects.Select(o => $"{o.Kind}/{o.Name}").Order(),
                objects.Select(o => $"{o.At("kind").Text("kind")}/{o.At("metadata", "name").Text("name")}").Order());
            foreach (var workload in objects.Where(o => o.At("kind").Text("kind") is "Deployment" or "StatefulSet"))
            {
                var container = Assert.Single(workload.At("spec", "template", "spec", "containers").Sequence("containers").Items).Mapping("container");
                bool hasCertificate = Manifests.Environment(container).Any(entry => entry.At("name").Text("name") == "ATTNRNN_TLS_CERT");
                bool hasToken = Manifests.Environment(container).Any(entry => entry.At("name").Text("name") == "ATTNRNN_JOIN_TOKEN");
                Assert.Equal(folder == TlsFolder, hasCertificate);
                Assert.Equal(folder != TlsFolder, hasToken);
                Assert.Equal("0.0.0.0", Manifests.EnvironmentValue(container, "ATTNRNN_HOSTNAME"));
            }
        }
    }

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();
}
