import Shared

Log(component: "gateway").info("starting")
