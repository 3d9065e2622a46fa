using System.Collections;
using Microsoft.Extensions.Configuration;

namespace AttnRnnCluster.Hosting.Options;

/// <summary>
/// The ATTNRNN_ variables of an environment as configuration keys: ATTNRNN_MICRO_BATCH is the key "micro-batch".
/// (The library's own environment provider keeps MICRO_BATCH as the key and reads only the process's
/// environment; this one takes any, so that tests need not change the process's.) An empty variable counts as
/// unset, as docker-compose leaves ${X} of an unset X; ATTNRNN_CONFIG names the config file and is no option.
/// </summary>
public sealed class EnvironmentSource(IDictionary environment) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(environment);

    public sealed class Provider(IDictionary environment) : ConfigurationProvider
    {
        private readonly Dictionary<string, string> _variables = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>The option keys this environment sets.</summary>
        public IEnumerable<string> Keys => _variables.Keys;

        /// <summary>The variable that set <paramref name="key"/>, as it is spelled in the environment.</summary>
        public string VariableOf(string key) => _variables[key];

        public override void Load()
        {
            var variables = environment.Keys.OfType<string>()
                .Where(name => name.StartsWith(OptionNames.EnvironmentPrefix, StringComparison.Ordinal)
                               && name != OptionNames.EnvironmentVariable(OptionNames.Config)
                               && environment[name] is string { Length: > 0 })
                .Order(StringComparer.Ordinal);
            foreach (string variable in variables)
            {
                string key = OptionNames.FromEnvironmentVariable(variable);
                Data[key] = (string)environment[variable]!;
                _variables[key] = variable;
            }
        }
    }
}
