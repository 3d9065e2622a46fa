namespace AttnRnnCluster.Hosting.Options;

/// <summary>Options with rules across several of their values; each returned string is one error.</summary>
public interface ICheckedOptions
{
    IEnumerable<string> Check(IOptionOrigins origins);
}
