// Package ops holds the technician's operations on a device that span
// several packages: provisioning (enrol with the center, find the printer
// and reader, write the config), the combined self-test and the diagnostic
// bundle. The commands in cmd/hallkiosk are thin wrappers around it.
package ops
