using System.Text;
using System.Text.RegularExpressions;
using AttnRnnCluster.Model.Checkpoints;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Tests.Support;
using AttnRnnCluster.Shared.Tests.Fuzz;

namespace AttnRnnCluster.Model.Tests.Fuzz;

/// <summary>
/// The model's decoders of files from elsewhere, fed seeded damage to valid files (<see cref="Mutator"/>, plus numbers
/// in the text replaced by huge, negative or fractional ones): a safetensors checkpoint (its header above all) and a
/// JSONL data file. Only the decoder's own error (<see cref="CheckpointException"/>, <see cref="DataFormatException"/>)
/// may escape, and no input of a few hundred bytes makes it allocate 1 MiB or more (64 MiB for the whole run).
/// </summary>
public sealed partial class ModelDecoderFuzzTests : IDisposable
{
    private const int Seed = 16;
    private const int Cases = 600;
    private const long CaseAllocationBound = 1L << 20;
    private const long AllocationBound = 64L << 20;

    private static readonly string[] HostileNumbers =
        ["-1", "0", "2147483647", "2147483648", "4294967296", "9223372036854775807", "18446744073709551616", "1e308", "-1e308", "0.5", "1e-400", "NaN"];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_damaged_safetensors_file_is_a_checkpoint_error()
    {
        var path = _folder.File("valid.safetensors");
        SafeTensorsFile.Write(path,
            [new NamedTensor("cell.w", [2, 3], [1, 2, 3, 4, 5, 6]), new NamedTensor("head.bias", [1], [0.5f])],
            new Dictionary<string, string> { ["format"] = "attnrnn", ["step"] = "12" });
        var valid = File.ReadAllBytes(path);
        var headerEnd = 8 + (int)BitConverter.ToUInt64(valid, 0);

        var read = Fuzz(valid, headerEnd, "safetensors", input =>
        {
            File.WriteAllBytes(path, input);
            return SafeTensorsFile.Read(path);
        }, typeof(CheckpointException));

        Assert.InRange(read, 1, Cases - 1);
    }

    [Fact]
    public void A_damaged_jsonl_line_is_a_data_format_error()
    {
        var lines = Enumerable.Range(0, 4).Select(i => $"{{\"x\": [[{i}, 0.5], [1.25, -{i}]], \"y\": {i % 3}}}");
        var valid = Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
        var path = _folder.File("data.jsonl");

        var read = Fuzz(valid, valid.Length, "jsonl", input =>
        {
            File.WriteAllBytes(path, input);
            return new JsonlSource(path, heldOutPath: null, classes: input.Length % 2 == 0 ? 3 : 0, seed: 1);
        }, typeof(DataFormatException));

        Assert.InRange(read, 1, Cases - 1);
    }

    /// <summary>
    /// Runs <paramref name="decode"/> on <see cref="Cases"/> damaged copies of <paramref name="valid"/> (half of them
    /// damaged only in its first <paramref name="textEnd"/> bytes, the JSON, by number replacement); returns how many decoded.
    /// </summary>
    private static int Fuzz(byte[] valid, int textEnd, string name, Func<byte[], object> decode, Type formatError)
    {
        var mutator = new Mutator(Seed);
        var (decoded, total, largest) = (0, 0L, 0L);
        for (var i = 0; i < Cases; i++)
        {
            string how;
            var input = i % 2 == 0 ? mutator.Mutate(valid, out how) : ReplaceNumber(valid, textEnd, mutator, out how);
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                decode(input);
                decoded++;
            }
            catch (Exception e) when (e.GetType() == formatError)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"{name}, case {i} ({how}): {e.GetType().Name} escaped the decoder: {e}");
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            total += allocated;
            largest = Math.Max(largest, allocated);
        }
        Assert.True(total < AllocationBound, $"{name}: the decoder allocated {total >> 20} MiB in all");
        Assert.True(largest < CaseAllocationBound, $"{name}: one input made the decoder allocate {largest} bytes");
        return decoded;
    }

    /// <summary>One number among the first <paramref name="textEnd"/> bytes replaced by a hostile one.</summary>
    private static byte[] ReplaceNumber(byte[] valid, int textEnd, Mutator mutator, out string how)
    {
        var text = Encoding.Latin1.GetString(valid, 0, textEnd);
        // After a safetensors file's 8-byte length, whose bytes may look like digits.
        var numbers = Number().Matches(text).Where(m => textEnd == valid.Length || m.Index >= 8).ToList();
        var target = numbers[mutator.Next(numbers.Count)];
        var replacement = HostileNumbers[mutator.Next(HostileNumbers.Length)];
        how = $"number {target.Value} at {target.Index} replaced by {replacement}";
        var changed = Encoding.Latin1.GetBytes(text[..target.Index] + replacement + text[(target.Index + target.Length)..]);
        // A safetensors file's first 8 bytes give the header's length: it must follow the text it prefixes.
        if (textEnd < valid.Length)
            BitConverter.GetBytes((ulong)(changed.Length - 8)).CopyTo(changed, 0);
        return [.. changed, .. valid[textEnd..]];
    }

    [GeneratedRegex("-?[0-9]+(\\.[0-9]+)?")]
    private static partial Regex Number();
}
