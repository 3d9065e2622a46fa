namespace AttnRnnCluster.Model.Checkpoints;

/// <summary>
/// Writes a file so that readers see the old file or the complete new one, never a part: the bytes go to a
/// temporary file in the same folder (same file system, so the rename is atomic), are flushed to disk, and
/// only then replace the target. On any error the temporary file is removed and the target is untouched.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(folder);
        string temporary = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original error matters more than a leftover temporary file, which is hidden and never read.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
