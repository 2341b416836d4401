import Foundation
import Shared

// roost-worker: takes jobs from Redis and runs the analyses. Configuration: ROOST_* variables (README).
let log = Log(component: "worker")
let configuration = WorkerConfiguration(environment: Environment())
let handlers: [any JobHandler] = [
    ProbeHandler(maxPixels: configuration.maxImagePixels),
    NoopHandler(),
]
let process = WorkerProcess(configuration: configuration, handlers: handlers, log: log)
process.armDrainDeadline()
exit(process.run())
