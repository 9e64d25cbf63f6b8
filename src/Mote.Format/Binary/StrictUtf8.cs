using System.Text;

namespace Mote.Format.Binary;

/// <summary>UTF-8 without BOM that throws on invalid input instead of substituting U+FFFD, so names round-trip exactly.</summary>
internal static class StrictUtf8
{
    public static readonly UTF8Encoding Encoding = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
