import Foundation
import Shared

// roost-gateway: the HTTP front of Roost. Configuration: ROOST_* variables (README).
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
