using System.Text.RegularExpressions;

namespace Webhooks.Core.Tests.Infrastructure;

/// <summary>
/// Just enough of a Bicep reader for the infra tests, since no Bicep compiler is available here: a file's params,
/// outputs and module calls (with the params each call passes). Comments and string literals are masked out first,
/// so braces inside <c>'${…}'</c> or comments never count as structure. Object members are expected one per line.
/// </summary>
internal sealed partial class BicepFile
{
    private readonly string _masked;

    private BicepFile(string path, string text)
    {
        FilePath = path;
        Text = text;
        _masked = Mask(text);
        Params = ReadParams();
        Outputs = [.. OutputPattern().Matches(_masked).Select(m => m.Groups[1].Value)];
        Modules = ReadModules();
    }

    /// <summary>Absolute path of the file (or a made-up name for inline text).</summary>
    public string FilePath { get; }

    /// <summary>The file's text as written.</summary>
    public string Text { get; }

    /// <summary>Declared params by name.</summary>
    public IReadOnlyDictionary<string, BicepParam> Params { get; }

    /// <summary>Declared output names.</summary>
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>Module calls in declaration order.</summary>
    public IReadOnlyList<BicepModule> Modules { get; }

    /// <summary>Loads a repository-relative .bicep file.</summary>
    public static BicepFile Load(string relativePath) =>
        new(RepositoryFiles.PathOf(relativePath), RepositoryFiles.Read(relativePath));

    /// <summary>Parses Bicep text held in memory.</summary>
    public static BicepFile Parse(string text, string path = "inline.bicep") => new(path, text);

    /// <summary>The absolute path a module reference resolves to (relative to this file).</summary>
    public string Resolve(BicepModule module) =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(FilePath) ?? ".", module.Path.Replace('/', Path.DirectorySeparatorChar)));

    private Dictionary<string, BicepParam> ReadParams()
    {
        var result = new Dictionary<string, BicepParam>(StringComparer.Ordinal);
        foreach (Match match in ParamPattern().Matches(_masked))
        {
            var declaration = match.Groups[2].Value;
            var equals = declaration.IndexOf('=', StringComparison.Ordinal);
            var type = (equals < 0 ? declaration : declaration[..equals]).Trim();
            var required = equals < 0 && !type.EndsWith('?');
            result[match.Groups[1].Value] = new BicepParam(match.Groups[1].Value, type, required);
        }

        return result;
    }

    private List<BicepModule> ReadModules()
    {
        var modules = new List<BicepModule>();
        foreach (Match match in ModulePattern().Matches(_masked))
        {
            var pathStart = match.Index + match.Length;
            var pathEnd = Text.IndexOf('\'', pathStart);
            var bodyStart = FirstBraceOutsideParentheses(pathEnd + 1);
            var bodyEnd = MatchingClose(bodyStart);
            modules.Add(new BicepModule(match.Groups[1].Value, Text[pathStart..pathEnd], ReadMembers(FindMemberObject(bodyStart, bodyEnd, "params"))));
        }

        return modules;
    }

    private int FirstBraceOutsideParentheses(int from)
    {
        var depth = 0;
        for (var i = from; i < _masked.Length; i++)
        {
            switch (_masked[i])
            {
                case '(': depth++; break;
                case ')': depth--; break;
                case '{' when depth == 0: return i;
            }
        }

        throw new FormatException($"{FilePath}: no body after offset {from}.");
    }

    private int MatchingClose(int open)
    {
        var depth = 0;
        for (var i = open; i < _masked.Length; i++)
        {
            depth += Delta(_masked[i]);
            if (depth == 0)
            {
                return i;
            }
        }

        throw new FormatException($"{FilePath}: unbalanced brackets from offset {open}.");
    }

    /// <summary>The (start, end) braces of member <paramref name="name"/>'s object value, or null when absent.</summary>
    private (int Start, int End)? FindMemberObject(int objectStart, int objectEnd, string name)
    {
        foreach (var (key, valueStart, valueEnd) in Members(objectStart, objectEnd))
        {
            if (key == name)
            {
                var open = _masked.IndexOf('{', valueStart, valueEnd - valueStart);
                return open < 0 ? null : (open, MatchingClose(open));
            }
        }

        return null;
    }

    private Dictionary<string, string> ReadMembers((int Start, int End)? span)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (span is { } s)
        {
            foreach (var (key, valueStart, valueEnd) in Members(s.Start, s.End))
            {
                result[key] = Text[valueStart..valueEnd].Trim();
            }
        }

        return result;
    }

    /// <summary>Top-level members of the object between two braces: key and the span of its value text.</summary>
    private List<(string Key, int ValueStart, int ValueEnd)> Members(int open, int close)
    {
        var keys = new List<(string Key, int KeyStart, int ValueStart)>();
        var depth = 0;
        var lineStart = open + 1;
        for (var i = open + 1; i < close; i++)
        {
            if (i == lineStart && depth == 0)
            {
                var key = MemberKeyPattern().Match(_masked, i, close - i);
                if (key.Success)
                {
                    keys.Add((key.Groups[1].Value, i, key.Index + key.Length));
                }
            }

            depth += Delta(_masked[i]);
            if (_masked[i] == '\n')
            {
                lineStart = i + 1;
            }
        }

        return [.. keys.Select((k, n) => (k.Key, k.ValueStart, n + 1 < keys.Count ? keys[n + 1].KeyStart : close))];
    }

    private static int Delta(char c) => c switch
    {
        '{' or '[' or '(' => 1,
        '}' or ']' or ')' => -1,
        _ => 0,
    };

    /// <summary>Blanks comment text and the inside of string literals (quotes kept), preserving every offset and newline.</summary>
    internal static string Mask(string text)
    {
        var masked = text.ToCharArray();
        void Blank(int from, int to)
        {
            for (var k = from; k < to; k++)
            {
                if (masked[k] != '\n')
                {
                    masked[k] = ' ';
                }
            }
        }

        var i = 0;
        while (i < text.Length)
        {
            if (At(text, i, "//"))
            {
                var end = text.IndexOf('\n', i);
                end = end < 0 ? text.Length : end;
                Blank(i, end);
                i = end;
            }
            else if (At(text, i, "/*"))
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? text.Length : end + 2;
                Blank(i, end);
                i = end;
            }
            else if (At(text, i, "'''"))
            {
                var end = text.IndexOf("'''", i + 3, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new FormatException("Unterminated ''' string.");
                }

                Blank(i + 3, end);
                i = end + 3;
            }
            else if (text[i] == '\'')
            {
                var end = EndOfString(text, i);
                Blank(i + 1, end);
                i = end + 1;
            }
            else
            {
                i++;
            }
        }

        return new string(masked);
    }

    private static bool At(string text, int index, string token) =>
        string.CompareOrdinal(text, index, token, 0, token.Length) == 0;

    /// <summary>Index of the quote closing the string opened at <paramref name="open"/>, across escapes and nested interpolations.</summary>
    private static int EndOfString(string text, int open)
    {
        for (var i = open + 1; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == '\'')
            {
                return i;
            }
            else if (At(text, i, "${"))
            {
                var depth = 1;
                for (i += 2; depth > 0; i++)
                {
                    if (i >= text.Length)
                    {
                        throw new FormatException("Unterminated interpolation.");
                    }

                    if (text[i] == '\'')
                    {
                        i = EndOfString(text, i);
                    }
                    else
                    {
                        depth += text[i] == '{' ? 1 : text[i] == '}' ? -1 : 0;
                    }
                }

                i--;
            }
        }

        throw new FormatException($"Unterminated string at offset {open}.");
    }

    [GeneratedRegex(@"^param\s+(\w+)\s+(.+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex ParamPattern();

    [GeneratedRegex(@"^output\s+(\w+)\s", RegexOptions.Multiline)]
    private static partial Regex OutputPattern();

    [GeneratedRegex(@"^module\s+(\w+)\s+'", RegexOptions.Multiline)]
    private static partial Regex ModulePattern();

    [GeneratedRegex(@"\G[ \t]*(\w+)[ \t]*:")]
    private static partial Regex MemberKeyPattern();
}

/// <summary>A declared param: its type text and whether a caller must supply it.</summary>
internal sealed record BicepParam(string Name, string Type, bool IsRequired);

/// <summary>A module call: symbolic name, referenced path as written, and the params it passes (name → value text).</summary>
internal sealed record BicepModule(string Name, string Path, IReadOnlyDictionary<string, string> Params);
