using System.Diagnostics;

namespace AttnRnnCluster.Model.Tests.Support;

/// <summary>/usr/bin/python3 with PyTorch, and the peer model in ../shared: present on the team's machines and in CI, maybe not elsewhere.</summary>
internal static class PythonTorch
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> MissingReason = new(FindMissing);

    /// <summary>Why the peer cannot be run here, or null when it can.</summary>
    public static string? Missing => MissingReason.Value;

    /// <summary>Runs a Python script; returns its standard output, or throws with its standard error.</summary>
    public static string Run(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{Python} exited with {process.ExitCode}: {error}");
        return output.Result;
    }

    private static string? FindMissing()
    {
        if (!File.Exists(SharedFolder.PeerModel)) return $"the PyTorch peer {SharedFolder.PeerModel} is absent";
        if (!File.Exists(Python)) return $"{Python} is absent";
        try
        {
            Run("import torch");
            return null;
        }
        catch (InvalidOperationException)
        {
            return $"{Python} cannot import torch (install python3-torch)";
        }
    }
}

/// <summary>A test that needs the PyTorch peer: skipped, saying why, where it cannot run.</summary>
public sealed class PythonTorchFactAttribute : FactAttribute
{
    public PythonTorchFactAttribute()
    {
        if (PythonTorch.Missing is { } reason) Skip = reason;
    }
}

/// <summary>A theory that needs the PyTorch peer: skipped, saying why, where it cannot run.</summary>
public sealed class PythonTorchTheoryAttribute : TheoryAttribute
{
    public PythonTorchTheoryAttribute()
    {
        if (PythonTorch.Missing is { } reason) Skip = reason;
    }
}
