import Foundation
import Shared

// roost-worker: takes jobs from Redis and runs the analyses. Configuration: ROOST_* variables (README).
// `roost-worker classify [options] photo.jpg…` classifies files directly (reference checks, benchmarks).
if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "classify" {
    exit(runClassifyCommand(Array(CommandLine.arguments.dropFirst(2))))
}
// `roost-worker bench-queue MODE …` is the measuring client of bench/queue.sh.
if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "bench-queue" {
    exit(runBenchQueueCommand(Array(CommandLine.arguments.dropFirst(2))))
}
// `roost-worker bench-png file.png…` times the PNG decoder and its inflate in-process (bench/png.sh).
if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "bench-png" {
    exit(runBenchPNGCommand(Array(CommandLine.arguments.dropFirst(2))))
}
// `roost-worker bench-audio recording…` times BirdNET's whole path per 3-s chunk (bench/audio).
if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "bench-audio" {
    exit(runBenchAudioCommand(Array(CommandLine.arguments.dropFirst(2))))
}
if let status = CommandLineHelp.handle(Array(CommandLine.arguments.dropFirst()), CommandLineHelp.Program(
    name: "roost-worker", summary: "Roost's worker: takes jobs from Redis and runs the analyses.",
    usage: ["roost-worker                          (works until SIGTERM or SIGINT, then drains)",
            "roost-worker classify [options] photo.jpg...   (classify files directly)",
            "roost-worker bench-queue MODE [options]        (bench/queue.sh's measuring client)",
            "roost-worker bench-png file.png...             (bench/png.sh)",
            "roost-worker bench-audio recording...          (bench/audio)",
            "roost-worker --help | --version"],
    reads: "workers")) {
    exit(status)
}

// Before any thread starts (the subcommands above keep the default signals): SIGTERM/SIGINT wait,
// pending, for StopSignal, so one sent while the models load is neither fatal nor lost.
StopSignal.blockInThisThread()
let log = Log(component: "worker")
let configuration = WorkerConfiguration(environment: Environment())
let process = WorkerProcess(configuration: configuration, handlers: HandlerRegistry.load(configuration: configuration, log: log), log: log)
process.armDrainDeadline()
exit(process.run())
