namespace AttnRnnCluster.Hosting.Options;

/// <summary>Where an option may be given.</summary>
[Flags]
public enum OptionSources
{
    CommandLine = 1,
    Environment = 2,
    ConfigFile = 4,
    /// <summary>For secrets: anything on a command line can be read by every user of the machine.</summary>
    NotCommandLine = Environment | ConfigFile,
    Anywhere = CommandLine | Environment | ConfigFile,
}

/// <summary>
/// One row of an option table: the option's name (without dashes), its kind of value, what it is for, and how
/// it is read from and written into an options record <typeparamref name="T"/>. Defaults live in the record
/// itself; the help shows them by reading a default instance through <see cref="Get"/>.
/// </summary>
public sealed record Option<T>(string Name, ValueKind Kind, string Description, Func<T, object?> Get, Func<T, object, T> Set)
{
    /// <summary>Shown in the help instead of the default value, when the default needs words.</summary>
    public string? DefaultNote { get; init; }

    public OptionSources Sources { get; init; } = OptionSources.Anywhere;

    public string EnvironmentVariable => OptionNames.EnvironmentVariable(Name);

    /// <summary>The same option on a record that holds a <typeparamref name="T"/> (e.g. the data options inside the training options).</summary>
    public Option<TOuter> In<TOuter>(Func<TOuter, T> inner, Func<TOuter, T, TOuter> withInner) =>
        new(Name, Kind, Description, outer => Get(inner(outer)), (outer, value) => withInner(outer, Set(inner(outer), value)))
        {
            DefaultNote = DefaultNote,
            Sources = Sources,
        };
}

/// <summary>Typed constructors for table rows, so that each row's binder is checked by the compiler.</summary>
public static class Option
{
    public static Option<T> Integer<T>(string name, int min, int max, Func<T, int> get, Func<T, int, T> set, string description) =>
        new(name, new IntegerValue(min, max), description, o => get(o), (o, v) => set(o, checked((int)(long)v)));

    public static Option<T> Number<T>(string name, NumberValue kind, Func<T, double> get, Func<T, double, T> set, string description) =>
        new(name, kind, description, o => get(o), (o, v) => set(o, (double)v));

    /// <summary>A duration given in seconds (fractions allowed), held as a <see cref="TimeSpan"/>.</summary>
    public static Option<T> Seconds<T>(string name, Func<T, TimeSpan> get, Func<T, TimeSpan, T> set, string description) =>
        new(name, new NumberValue(0, 7 * 24 * 3600, MinExclusive: true, NumberForm: "SECONDS"), description,
            o => get(o).TotalSeconds, (o, v) => set(o, TimeSpan.FromSeconds((double)v)));

    public static Option<T> Choice<T, TEnum>(string name, Func<T, TEnum> get, Func<T, TEnum, T> set, string description)
        where TEnum : struct, Enum =>
        new(name, ChoiceValue.Of<TEnum>(), description, o => get(o), (o, v) => set(o, (TEnum)v));

    public static Option<T> Switch<T>(string name, Func<T, bool> get, Func<T, bool, T> set, string description) =>
        new(name, ChoiceValue.OnOff, description, o => get(o), (o, v) => set(o, (bool)v));

    public static Option<T> Text<T>(string name, ValueKind kind, Func<T, string?> get, Func<T, string, T> set, string description) =>
        new(name, kind, description, o => get(o), (o, v) => set(o, (string)v));

    public static Option<T> Path<T>(string name, string form, PathRequirement requirement, Func<T, string?> get, Func<T, string, T> set, string description) =>
        Text(name, new PathValue(form, requirement), get, set, description);

    /// <summary>A seed for everything random (data, initial weights, sampling); one seed, one run.</summary>
    public static Option<T> Seed<T>(Func<T, ulong> get, Func<T, ulong, T> set, string description) =>
        new("seed", new IntegerValue(0, long.MaxValue), description, o => get(o), (o, v) => set(o, (ulong)(long)v));

    public static Option<T> Threads<T>(Func<T, int> get, Func<T, int, T> set, string description = "TorchSharp intra-op threads") =>
        Integer("threads", 1, 256, get, set, description);

    public static Option<T> Hostname<T>(Func<T, string> get, Func<T, string, T> set, string description) =>
        Text("hostname", new HostValue(), get, set, description);

    public static Option<T> PublicHostname<T>(Func<T, string?> get, Func<T, string, T> set) =>
        Text("public-hostname", new HostValue(), get, set,
            "the name other machines reach this node by (NAT, containers)")
            with { DefaultNote = "--hostname" };

    /// <summary>
    /// The bulk channel's port, beside the cluster port: messages of 1 MiB and more (weights and gradients of large
    /// models) travel on connections of their own to it. A firewall must let it through, so it can be fixed.
    /// </summary>
    public static Option<T> BulkPort<T>(Func<T, int> get, Func<T, int, T> set) =>
        Integer("bulk-port", 0, 65_535, get, set, "port for messages of 1 MiB and more (weights, gradients of large models); 0 = any free port");

    /// <summary>The error when the bulk channel is given the cluster's own port (it could never listen there).</summary>
    public static string? BulkPortClash(int bulkPort, int port, Provenance origins) =>
        bulkPort != 0 && bulkPort == port
            ? $"{origins["bulk-port"]} = {bulkPort} is also {origins["port"]}: the bulk channel needs a port of its own (or 0 for any free one)"
            : null;

    public static Option<T> Checkpoint<T>(Func<T, string?> get, Func<T, string, T> set) =>
        Path("checkpoint", "FILE", PathRequirement.ExistingFile, get, set, "the checkpoint (.safetensors) to load");
}
