import Foundation

/// Where helpprof's shipped files are: the bundled meta-predictors and the public latency datasets.
///
/// SwiftPM's generated `Bundle.module` accessor stops the process (SIGILL) when the resource bundle is not where
/// the build put it, e.g. for a copied binary. This looks in fixed places instead and fails with a message:
///
/// | what | looked for, in order |
/// |---|---|
/// | meta-predictors | `$HELPPROF_RESOURCES`; `helpprof_Predictor.resources/Resources` next to the executable (the build); `../share/helpprof/Resources` from it (`make install PREFIX=…`) |
/// | datasets | `--data-dir`; `$HELPPROF_DATA_DIR`; `./profiles/datasets`; `profiles/datasets` next to the executable or up to 8 folders above it (the repository); `../share/helpprof/datasets` from it |
public enum BundledResources {
  /// The folder of the running executable (/proc/self/exe, symlinks resolved; argv[0] where /proc is missing).
  public static var executableDirectory: URL {
    let proc = URL(fileURLWithPath: "/proc/self/exe")
    if FileManager.default.fileExists(atPath: proc.path) {
      return proc.resolvingSymlinksInPath().deletingLastPathComponent()
    }
    return URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
  }

  /// Folders that may hold the bundled meta-predictors, in search order.
  public static var resourceFolders: [String] {
    let exe = executableDirectory
    var out: [String] = []
    if let env = ProcessInfo.processInfo.environment["HELPPROF_RESOURCES"], !env.isEmpty { out += [env, env + "/Resources"] }
    out.append(exe.appendingPathComponent("helpprof_Predictor.resources/Resources").path)
    out.append(exe.deletingLastPathComponent().appendingPathComponent("share/helpprof/Resources").path)
    return out
  }

  /// The path of the bundled file `name` (e.g. "nb201-meta.safetensors"); throws naming every place looked in.
  public static func path(of name: String) throws -> String {
    let folders = resourceFolders
    for f in folders where FileManager.default.fileExists(atPath: f + "/" + name) { return f + "/" + name }
    throw PredictorError("the bundled \(name) was not found (looked in \(folders.joined(separator: ", "))): keep "
      + "helpprof_Predictor.resources next to the helpprof binary, install with `make install PREFIX=...`, "
      + "or set HELPPROF_RESOURCES to a folder holding it")
  }

  /// Folders that may hold the public latency datasets (`index.json` + tables), in search order.
  public static var datasetFolders: [String] {
    let fm = FileManager.default
    var out: [String] = []
    if let env = ProcessInfo.processInfo.environment["HELPPROF_DATA_DIR"], !env.isEmpty { out.append(env) }
    out.append(fm.currentDirectoryPath + "/profiles/datasets")
    let exe = executableDirectory
    var url = exe
    for _ in 0..<8 {
      out.append(url.appendingPathComponent("profiles/datasets").path)
      url = url.deletingLastPathComponent()
    }
    out.append(exe.deletingLastPathComponent().appendingPathComponent("share/helpprof/datasets").path)
    return out
  }
}
