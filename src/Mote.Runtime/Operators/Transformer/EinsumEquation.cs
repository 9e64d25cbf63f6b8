namespace Mote.Runtime.Operators.Transformer;

/// <summary>
/// An Einsum equation such as <c>"bij,bjk->bik"</c> or <c>"...ii->...i"</c>, parsed once: per operand, its
/// subscript letters with the position of an optional ellipsis, and the output subscripts (implicit mode,
/// without <c>-&gt;</c>: the broadcast ellipsis dimensions first, then the letters that appear exactly once,
/// in alphabetical order). Whitespace is ignored.
/// </summary>
internal sealed class EinsumEquation
{
    private EinsumEquation(Term[] inputs, Term output)
    {
        Inputs = inputs;
        Output = output;
    }

    /// <summary>Subscripts of one operand: letters, with the ellipsis (if any) standing before letter index <see cref="EllipsisAt"/>.</summary>
    internal sealed record Term(string Letters, int EllipsisAt)
    {
        public bool HasEllipsis => EllipsisAt >= 0;
    }

    public Term[] Inputs { get; }

    public Term Output { get; }

    /// <summary>Parses <paramref name="equation"/>; throws <see cref="MoteShapeException"/> when it is malformed.</summary>
    public static EinsumEquation Parse(string equation)
    {
        var text = string.Concat(equation.Where(c => !char.IsWhiteSpace(c)));
        int arrow = text.IndexOf("->", StringComparison.Ordinal);
        var lhs = arrow < 0 ? text : text[..arrow];
        var inputs = lhs.Split(',').Select(t => ParseTerm(t, equation)).ToArray();
        Term output;
        if (arrow >= 0)
        {
            output = ParseTerm(text[(arrow + 2)..], equation);
            if (output.Letters.Distinct().Count() != output.Letters.Length)
                throw new MoteShapeException($"Einsum '{equation}': an output subscript repeats");
            foreach (char c in output.Letters)
                if (!inputs.Any(t => t.Letters.Contains(c)))
                    throw new MoteShapeException($"Einsum '{equation}': output subscript '{c}' is in no operand");
        }
        else
        {
            var once = string.Concat(inputs.SelectMany(t => t.Letters).GroupBy(c => c).Where(g => g.Count() == 1).Select(g => g.Key).Order());
            output = new Term(once, inputs.Any(t => t.HasEllipsis) ? 0 : -1);
        }
        return new EinsumEquation(inputs, output);
    }

    private static Term ParseTerm(string term, string equation)
    {
        int at = term.IndexOf("...", StringComparison.Ordinal);
        var letters = at < 0 ? term : term.Remove(at, 3);
        if (letters.Any(c => !char.IsAsciiLetter(c)))
            throw new MoteShapeException($"Einsum '{equation}': subscripts must be letters with at most one '...' per operand");
        return new Term(letters, at);
    }
}
