import Foundation
import Shared

if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "classify" { exit(runClassifyCommand(Array(CommandLine.arguments.dropFirst(2)))) }

Log(component: "worker").info("starting")
