// Kernels clear every stack buffer they read before writing it; zeroing each stackalloc and local on
// entry would only cost time in per-tile helpers.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
