package main

import (
	"os/exec"
	"syscall"
)

// dieWithParent stops the portal if the load test dies first.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
