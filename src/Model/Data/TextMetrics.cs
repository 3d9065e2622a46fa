namespace AttnRnnCluster.Model.Data;

/// <summary>
/// Units of a character-level language model's loss. The mean next-token cross-entropy is already in nats per
/// character; bits per character is the same quantity in base 2.
/// </summary>
public static class TextMetrics
{
    public static double BitsPerCharacter(double natsPerCharacter) => natsPerCharacter / Math.Log(2);

    public static double NatsPerCharacter(double bitsPerCharacter) => bitsPerCharacter * Math.Log(2);
}
