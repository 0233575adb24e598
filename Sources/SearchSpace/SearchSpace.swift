/// The search spaces helpprof knows: NAS-Bench-201 cells and OFA MobileNetV3 subnets.
public enum SpaceKind: String, CaseIterable, Sendable, Codable {
  case nb201
  case ofa
}
