using BenchmarkDotNet.Running;
using Mote.Bench;
using Mote.Bench.Peak;
using Mote.Bench.Shapes;

// --gemm-shapes lists where benchmark shapes come from; everything else goes to BenchmarkDotNet, after the
// FMA peak of this core has been measured in this process (the GFLOP/s columns divide by it).
if (args is ["--gemm-shapes", .. var rest])
    return ModelGemmShapes.Run(rest);

var bdnArgs = args.SelectMany(a => a == "--quick" ? BenchConfig.QuickArgs : [a]).ToArray();
var peak = FmaPeak.MeasureAll();
Console.WriteLine(peak.Describe());
BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(bdnArgs, BenchConfig.Create(peak));
Console.WriteLine(peak.Describe()); // again at the end, next to the tables
return 0;
