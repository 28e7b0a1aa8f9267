namespace Webhooks.Core.Tests.Infrastructure;

/// <summary>The little Bicep reader must be right, or the infra consistency tests would check nothing.</summary>
public class BicepFileTests
{
    private const string Sample = """
        // a comment with a { brace
        param required string
        param withDefault int = 3
        param optional string?
        param listed sourceConfig[] = []

        /* block { comment */
        module first 'app/first.bicep' = if (!empty(required)) {
          name: 'first-${take('a}b', 1)}'
          params: {
            alpha: 'x{'
            beta: union(a, {
              nested: 1
            })
            gamma: cond
              ? 'y'
              : 'z'
          }
        }

        module second 'core/second.bicep' = {
          name: 'second'
        }

        output ONE string = 'https://${host}/api/webhooks/{source}'
        """;

    [Fact]
    public void Parse_ReadsParamsWithWhetherTheyAreRequired()
    {
        var file = BicepFile.Parse(Sample);

        Assert.Equal(new[] { "required", "withDefault", "optional", "listed" }, file.Params.Keys);
        Assert.True(file.Params["required"].IsRequired);
        Assert.False(file.Params["withDefault"].IsRequired);
        Assert.False(file.Params["optional"].IsRequired);
        Assert.Equal("sourceConfig[]", file.Params["listed"].Type);
    }

    [Fact]
    public void Parse_ReadsModulesAndOnlyTheirTopLevelParams()
    {
        var file = BicepFile.Parse(Sample);

        Assert.Collection(
            file.Modules,
            first =>
            {
                Assert.Equal("first", first.Name);
                Assert.Equal("app/first.bicep", first.Path);
                Assert.Equal(new[] { "alpha", "beta", "gamma" }, first.Params.Keys);
                Assert.Equal("'x{'", first.Params["alpha"]);
                Assert.StartsWith("cond", first.Params["gamma"], StringComparison.Ordinal);
            },
            second =>
            {
                Assert.Equal("core/second.bicep", second.Path);
                Assert.Empty(second.Params);
            });
        Assert.Equal(new[] { "ONE" }, file.Outputs);
    }

    [Fact]
    public void Mask_BlanksStringsAndCommentsButKeepsOffsets()
    {
        const string text = "a: '${x('}')}' // }\nb: {";

        var masked = BicepFile.Mask(text);

        Assert.Equal(text.Length, masked.Length);
        Assert.DoesNotContain('}', masked);
        Assert.EndsWith("\nb: {", masked, StringComparison.Ordinal);
    }
}
