import Shared

Log(component: "worker").info("starting")
