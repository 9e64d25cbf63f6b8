using Mote.Format;

namespace Mote.Runtime;

/// <summary>A caller's input does not match the model: unknown or missing name, wrong element type, wrong shape.</summary>
public sealed class MoteInputException(string message) : MoteException(message);

/// <summary>Shapes in the graph do not fit an operator (for example a Reshape to an incompatible size) for the given inputs.</summary>
public class MoteShapeException(string message) : MoteException(message);

/// <summary>The model uses an operator, attribute value or data type this runtime does not implement.</summary>
public sealed class MoteNotSupportedException(string message) : MoteException(message);

/// <summary>An operator failed while the model was running; the message names the node.</summary>
public sealed class MoteExecutionException(string message, Exception? inner = null) : MoteException(message, inner);

/// <summary>
/// An output shape depends on an input value that is only known while the model runs. The planner
/// catches it and runs the node with shapes inferred at run time.
/// </summary>
internal sealed class ValueNotKnownException(string message) : MoteException(message);
