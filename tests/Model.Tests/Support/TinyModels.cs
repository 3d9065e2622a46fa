namespace AttnRnnCluster.Model.Tests.Support;

/// <summary>Tiny configurations covering every input, target and attention combination the tests check.</summary>
internal static class TinyModels
{
    public static readonly ModelConfig DenseRegression = new(InputKind.Dense, 2, 3, 2, Attention: true, TargetKind.Regression);
    public static readonly ModelConfig DenseRegressionPlain = DenseRegression with { Attention = false };
    public static readonly ModelConfig DenseClassification = new(InputKind.Dense, 3, 4, 3, Attention: true, TargetKind.Classification);
    public static readonly ModelConfig TokensNext = new(InputKind.Tokens, 3, 4, 5, Attention: true, TargetKind.NextToken, VocabSize: 5);
    public static readonly ModelConfig TokensNextPlain = TokensNext with { Attention = false };
    public static readonly ModelConfig TokensClassification = new(InputKind.Tokens, 2, 3, 2, Attention: true, TargetKind.Classification, VocabSize: 4);

    public static TheoryData<string> Names => new(All.Keys);

    public static readonly IReadOnlyDictionary<string, ModelConfig> All = new Dictionary<string, ModelConfig>
    {
        ["dense-regression-attention"] = DenseRegression,
        ["dense-regression-plain"] = DenseRegressionPlain,
        ["dense-classification-attention"] = DenseClassification,
        ["tokens-next-attention"] = TokensNext,
        ["tokens-next-plain"] = TokensNextPlain,
        ["tokens-classification-attention"] = TokensClassification,
    };
}
