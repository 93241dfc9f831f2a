#if canImport(Glibc)
import Glibc
#endif

func _sin(_ x: Double) -> Double { sin(x) }
func getpidValue() -> Int32 { getpid() }
func mkdirValue(_ path: String) -> Int32 { mkdir(path, 0o755) }
