import Foundation
import Shared

// roost-gateway: the HTTP front of Roost. Configuration: ROOST_* variables (README).
if let status = CommandLineHelp.handle(Array(CommandLine.arguments.dropFirst()), CommandLineHelp.Program(
    name: "roost-gateway", summary: "Roost's HTTP gateway: the four APIs, uploads to jobs, status, ops.",
    usage: ["roost-gateway            (serves until SIGTERM or SIGINT, then drains)", "roost-gateway --help | --version"],
    reads: "gateway")) {
    exit(status)
}
// Before any thread starts: SIGTERM/SIGINT wait, pending, for StopSignal, so one sent while the
// gateway starts is neither fatal nor lost.
StopSignal.blockInThisThread()
let log = Log(component: "gateway")
let configuration = GatewayConfiguration(environment: Environment())
let gateway: Gateway
do {
    gateway = try Gateway(configuration: configuration, log: log)
    try gateway.start()
} catch {
    log.error("gateway failed to start", [("error", .string(String(describing: error)))])
    exit(1)
}
let stopped = DispatchSemaphore(value: 0)
let stopSignal = StopSignal(log: log) {
    gateway.shutdown()
    stopped.signal()
}
stopped.wait()
exit(0)
