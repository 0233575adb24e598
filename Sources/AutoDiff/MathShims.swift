#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Named wrappers so the differentiable `exp`/`log` on Tensor do not shadow the C functions.
@inline(__always) func Foundation_exp(_ x: Double) -> Double { exp(x) }
@inline(__always) func Foundation_log(_ x: Double) -> Double { log(x) }
@inline(__always) func Foundation_log1p(_ x: Double) -> Double { log1p(x) }
