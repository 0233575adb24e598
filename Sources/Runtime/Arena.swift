/// A bump allocator for a planned network: weights, activations and scratch, 64-byte aligned and zeroed.
/// Everything is allocated while planning; nothing is freed until the network goes away.
final class Arena {
  private var blocks: [UnsafeMutableRawPointer] = []
  private var current: UnsafeMutableRawPointer?
  private var used = 0
  private var capacity = 0
  /// Bytes reserved from the system so far.
  private(set) var reservedBytes = 0

  private static let blockBytes = 4 << 20
  private static let alignment = 64

  /// `count` zeroed floats.
  func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
    raw(bytes: max(count, 1) * MemoryLayout<Float>.stride).bindMemory(to: Float.self, capacity: max(count, 1))
  }

  /// `bytes` zeroed bytes, 64-byte aligned.
  func raw(bytes: Int) -> UnsafeMutableRawPointer {
    let size = (bytes + Arena.alignment - 1) & ~(Arena.alignment - 1)
    if let block = current, used + size <= capacity {
      let p = block + used
      used += size
      return p
    }
    let blockSize = max(size, Arena.blockBytes)
    let block = UnsafeMutableRawPointer.allocate(byteCount: blockSize, alignment: Arena.alignment)
    block.initializeMemory(as: UInt8.self, repeating: 0, count: blockSize)
    blocks.append(block)
    reservedBytes += blockSize
    current = block
    used = size
    capacity = blockSize
    return block
  }

  deinit { for b in blocks { b.deallocate() } }
}

/// The scratch buffer shared by all layers (they run one after another); sized once planning ends.
final class Workspace {
  var pointer: UnsafeMutablePointer<Float>?
}
