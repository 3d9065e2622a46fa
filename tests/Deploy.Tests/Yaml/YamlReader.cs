using System.Globalization;
using System.Text;

namespace AttnRnnCluster.Deploy.Tests.Yaml;

/// <summary>
/// A strict reader of the block-style YAML that deploy/ is written in: mappings, sequences (indented or compact),
/// plain and quoted one-line scalars, one-line flow sequences of scalars, empty <c>{}</c>, comments and
/// <c>---</c> between documents. Whatever is malformed, and whatever YAML feature lies outside that subset
/// (anchors, tags, block scalars, multi-line scalars), is an error naming the line: the reader never guesses,
/// so a file it accepts means what it appears to mean.
/// </summary>
public static class YamlReader
{
    public static IReadOnlyList<YamlNode> ReadFile(string path) => Read(File.ReadAllText(path), path);

    public static IReadOnlyList<YamlNode> Read(string text, string source)
    {
        var documents = new List<YamlNode>();
        foreach (var lines in SplitDocuments(Lines(text, source)))
            documents.Add(new Parser(lines, source).ParseDocument());
        return documents;
    }

    /// <summary>One line with content: its number, its indentation and its text without indentation or comment.</summary>
    private sealed record Line(int Number, int Indent, string Text);

    private static readonly Line DocumentMarker = new(0, 0, "---");

    private static IEnumerable<Line> Lines(string text, string source)
    {
        string[] raw = text.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < raw.Length; i++)
        {
            int number = i + 1;
            int indent = raw[i].Length - raw[i].TrimStart(' ').Length;
            if (raw[i].Length > indent && raw[i][indent] == '\t')
                throw new YamlException(source, number, "a tab in the indentation (YAML indents with spaces only)");
            string content = WithoutComment(raw[i][indent..]).TrimEnd();
            if (content.Length == 0) continue;
            if (indent == 0 && content == "---") { yield return DocumentMarker; continue; }
            if (indent == 0 && (content.StartsWith('%') || content.StartsWith("---", StringComparison.Ordinal) || content == "..."))
                throw new YamlException(source, number, $"\"{content}\": directives, document end markers and content after --- are not supported");
            yield return new Line(number, indent, content);
        }
    }

    /// <summary>The text before a comment: a # at the start or after a space, outside quotes.</summary>
    private static string WithoutComment(string content)
    {
        char quote = '\0';
        for (int i = 0; i < content.Length; i++)
        {
            char c = content[i];
            if (quote == '"')
            {
                if (c == '\\') i++;
                else if (c == '"') quote = '\0';
            }
            else if (quote == '\'')
            {
                if (c == '\'' && i + 1 < content.Length && content[i + 1] == '\'') i++;
                else if (c == '\'') quote = '\0';
            }
            else if (c == '#' && (i == 0 || content[i - 1] == ' '))
                return content[..i];
            else if (c is '"' or '\'' && (i == 0 || content[i - 1] is ' ' or '[' or ','))
                quote = c;
        }
        return content;
    }

    private static IEnumerable<List<Line>> SplitDocuments(IEnumerable<Line> lines)
    {
        var document = new List<Line>();
        foreach (var line in lines)
        {
            if (ReferenceEquals(line, DocumentMarker))
            {
                if (document.Count > 0) yield return document;
                document = [];
            }
            else document.Add(line);
        }
        if (document.Count > 0) yield return document;
    }

    private static bool IsSequenceItem(string text) => text == "-" || text.StartsWith("- ", StringComparison.Ordinal);

    private sealed class Parser(List<Line> lines, string source)
    {
        private int _next;

        private Line? Peek => _next < lines.Count ? lines[_next] : null;

        private YamlException Error(int line, string problem) => new(source, line, problem);

        public YamlNode ParseDocument()
        {
            var node = ParseBlock(lines[0].Indent);
            if (Peek is { } extra)
                throw Error(extra.Number, $"indentation {extra.Indent} fits no enclosing block");
            return node;
        }

        private YamlNode ParseBlock(int indent)
        {
            var line = Peek!;
            if (IsSequenceItem(line.Text)) return ParseSequence(indent);
            if (SplitKey(line) is not null) return ParseMapping(indent);
            _next++;
            var scalar = ParseInline(line.Text, line);
            RejectContinuation(indent, line);
            return scalar;
        }

        private YamlMapping ParseMapping(int indent)
        {
            var entries = new List<KeyValuePair<string, YamlNode>>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            int first = Peek!.Number;
            while (Peek is { } line && line.Indent == indent)
            {
                if (IsSequenceItem(line.Text))
                    throw Error(line.Number, "a sequence item where a mapping key was expected");
                var (key, rest) = SplitKey(line) ?? throw Error(line.Number, $"expected \"key: value\", got \"{line.Text}\"");
                if (!keys.Add(key)) throw Error(line.Number, $"duplicate key \"{key}\"");
                _next++;
                YamlNode value;
                if (rest.Length > 0)
                {
                    value = ParseInline(rest, line);
                    RejectContinuation(indent, line);
                }
                else if (Peek is { } below && below.Indent > indent)
                    value = ParseBlock(below.Indent);
                else if (Peek is { } compact && compact.Indent == indent && IsSequenceItem(compact.Text))
                    value = ParseSequence(indent);
                else
                    value = new YamlScalar("", false, line.Number);
                entries.Add(new(key, value));
            }
            RejectDeeperLine(indent);
            return new YamlMapping(entries, first);
        }

        private YamlSequence ParseSequence(int indent)
        {
            var items = new List<YamlNode>();
            int first = Peek!.Number;
            while (Peek is { } line && line.Indent == indent && IsSequenceItem(line.Text))
            {
                string rest = line.Text[1..].TrimStart(' ');
                if (rest.Length == 0)
                {
                    _next++;
                    items.Add(Peek is { } below && below.Indent > indent ? ParseBlock(below.Indent) : new YamlScalar("", false, line.Number));
                }
                else if (IsSequenceItem(rest))
                    throw Error(line.Number, "a sequence item that starts another sequence on the same line is not supported");
                else if (SplitKey(line with { Text = rest }) is not null)
                {
                    // "- key: value" opens a mapping whose keys stand in the column of that first key.
                    int column = indent + line.Text.Length - rest.Length;
                    lines[_next] = line with { Indent = column, Text = rest };
                    items.Add(ParseMapping(column));
                }
                else
                {
                    _next++;
                    items.Add(ParseInline(rest, line));
                    RejectContinuation(indent, line);
                }
            }
            RejectDeeperLine(indent);
            return new YamlSequence(items, first);
        }

        private void RejectContinuation(int indent, Line line)
        {
            if (Peek is { } next && next.Indent > indent)
                throw Error(next.Number, $"deeper indentation after the value on line {line.Number}: a value continued on the next line is not supported");
        }

        private void RejectDeeperLine(int indent)
        {
            if (Peek is { } next && next.Indent > indent)
                throw Error(next.Number, $"indentation {next.Indent} fits no enclosing block");
        }

        /// <summary>"key: rest" or "key:" split into the key and the rest; null when the line is no mapping entry.</summary>
        private (string Key, string Value)? SplitKey(Line line)
        {
            string text = line.Text;
            if (text[0] is '"' or '\'')
            {
                var (key, end) = ReadQuoted(text, line);
                string after = text[end..].TrimStart(' ');
                if (after.Length == 0 || after[0] != ':' || (after.Length > 1 && after[1] != ' ')) return null;
                return (key, after[1..].Trim());
            }
            if (text[0] is '[' or '{') return null;
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] != ':' || (i + 1 < text.Length && text[i + 1] != ' ')) continue;
                string key = text[..i].TrimEnd();
                if (key.Length == 0 || "?&*!|>%@`".Contains(key[0]))
                    throw Error(line.Number, $"\"{key}\" is not a plain key this reader accepts");
                return (key, text[(i + 1)..].Trim());
            }
            return null;
        }

        private YamlNode ParseInline(string text, Line line)
        {
            if (text[0] is '"' or '\'')
            {
                var (value, end) = ReadQuoted(text, line);
                if (text[end..].Trim().Length > 0)
                    throw Error(line.Number, $"text after a quoted scalar: \"{text[end..].Trim()}\"");
                return new YamlScalar(value, true, line.Number);
            }
            if (text[0] == '[') return ParseFlowSequence(text, line);
            if (text[0] == '{')
                return text == "{}" ? new YamlMapping([], line.Number)
                    : throw Error(line.Number, "flow mappings other than {} are not supported");
            if ("&*!|>%@`".Contains(text[0]))
                throw Error(line.Number, $"\"{text[0]}\" (an anchor, alias, tag, block scalar or reserved indicator) is not supported");
            if (IsSequenceItem(text))
                throw Error(line.Number, "a sequence cannot start after a key on the same line");
            if (text.Contains(": ", StringComparison.Ordinal) || text.EndsWith(':'))
                throw Error(line.Number, $"a mapping value is not allowed here (quote the scalar?): \"{text}\"");
            return new YamlScalar(text, false, line.Number);
        }

        private YamlSequence ParseFlowSequence(string text, Line line)
        {
            if (!text.EndsWith(']')) throw Error(line.Number, "a flow sequence must end on its line with ]");
            string inner = text[1..^1];
            var items = new List<YamlNode>();
            if (inner.Trim().Length == 0) return new YamlSequence(items, line.Number);
            int i = 0;
            while (true)
            {
                while (i < inner.Length && inner[i] == ' ') i++;
                int end = i < inner.Length && inner[i] is '"' or '\''
                    ? i + ReadQuoted(inner[i..], line).End
                    : inner.IndexOf(',', i) is >= 0 and var comma ? comma : inner.Length;
                string item = inner[i..end].Trim();
                if (item.Length == 0) throw Error(line.Number, "an empty item in a flow sequence");
                if (item[0] is '[' or '{') throw Error(line.Number, "nested flow collections are not supported");
                items.Add(ParseInline(item, line));
                i = end;
                while (i < inner.Length && inner[i] == ' ') i++;
                if (i == inner.Length) return new YamlSequence(items, line.Number);
                if (inner[i] != ',') throw Error(line.Number, $"expected , between the items of a flow sequence, got \"{inner[i..]}\"");
                i++;
            }
        }

        /// <summary>The quoted scalar at the start of <paramref name="text"/>, and the index just past its closing quote.</summary>
        private (string Value, int End) ReadQuoted(string text, Line line)
        {
            char quote = text[0];
            var value = new StringBuilder();
            for (int i = 1; i < text.Length; i++)
            {
                char c = text[i];
                if (quote == '\'' && c == '\'')
                {
                    if (i + 1 < text.Length && text[i + 1] == '\'') { value.Append('\''); i++; continue; }
                    return (value.ToString(), i + 1);
                }
                if (quote == '"' && c == '"') return (value.ToString(), i + 1);
                if (quote == '"' && c == '\\')
                {
                    if (++i == text.Length) break;
                    value.Append(text[i] switch
                    {
                        '\\' => "\\", '"' => "\"", '/' => "/", 'n' => "\n", 't' => "\t", 'r' => "\r", '0' => "\0",
                        'u' when i + 4 < text.Length && ushort.TryParse(text.AsSpan(i + 1, 4), NumberStyles.HexNumber, null, out ushort code)
                            => ((char)code).ToString(),
                        _ => throw Error(line.Number, $"unknown escape \\{text[i]} in a double-quoted scalar"),
                    });
                    if (text[i] == 'u') i += 4;
                    continue;
                }
                value.Append(c);
            }
            throw Error(line.Number, "unterminated quoted scalar (quoted scalars must end on their line)");
        }
    }
}
