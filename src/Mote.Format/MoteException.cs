namespace Mote.Format;

/// <summary>Base of every error Mote reports about a model, a file or a caller's input.</summary>
public class MoteException : Exception
{
    /// <summary>Creates an exception with a message that says what and where.</summary>
    public MoteException(string message) : base(message) { }

    /// <summary>Creates an exception wrapping its cause.</summary>
    public MoteException(string message, Exception? inner) : base(message, inner) { }
}
