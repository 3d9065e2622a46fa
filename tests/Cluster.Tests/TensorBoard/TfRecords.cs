using System.Buffers.Binary;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Cluster.Tests.TensorBoard;

/// <summary>
/// The TFRecord framing of a TensorBoard event file, read independently of the writer: each record is its length
/// (u64, little-endian), the masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the data. Both
/// checksums are checked; a record cut short or a checksum that does not match is an error naming the record.
/// </summary>
public static class TfRecords
{
    /// <summary>The data of every record of <paramref name="file"/>, in order.</summary>
    public static List<byte[]> Read(ReadOnlySpan<byte> file)
    {
        var records = new List<byte[]>();
        int at = 0;
        while (at < file.Length)
        {
            if (file.Length - at < 12) throw new InvalidDataException($"record {records.Count} at byte {at}: its header is cut short");
            var lengthBytes = file.Slice(at, 8);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            uint lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(at + 8, 4));
            if (lengthCrc != Masked(Crc32C.Compute(lengthBytes)))
                throw new InvalidDataException($"record {records.Count} at byte {at}: the length's checksum does not match");
            if (length > (ulong)(file.Length - at - 16))
                throw new InvalidDataException($"record {records.Count} at byte {at}: {length} bytes of data announced, the file is shorter");
            var data = file.Slice(at + 12, (int)length);
            uint dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(at + 12 + (int)length, 4));
            if (dataCrc != Masked(Crc32C.Compute(data)))
                throw new InvalidDataException($"record {records.Count} at byte {at}: the data's checksum does not match");
            records.Add(data.ToArray());
            at += 16 + (int)length;
        }
        return records;
    }

    /// <summary>TFRecord's masking: rotate right by 15 bits and add a constant.</summary>
    public static uint Masked(uint crc) => ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}
