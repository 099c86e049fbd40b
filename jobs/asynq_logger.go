package jobs

import (
	"fmt"
	"log/slog"
	"os"
)

// asynqLogger sends asynq's own logs to slog.
type asynqLogger struct{ log *slog.Logger }

// Debug logs at debug level.
func (l asynqLogger) Debug(args ...any) { l.log.Debug(fmt.Sprint(args...)) }

// Info logs at info level.
func (l asynqLogger) Info(args ...any) { l.log.Info(fmt.Sprint(args...)) }

// Warn logs at warn level.
func (l asynqLogger) Warn(args ...any) { l.log.Warn(fmt.Sprint(args...)) }

// Error logs at error level.
func (l asynqLogger) Error(args ...any) { l.log.Error(fmt.Sprint(args...)) }

// Fatal logs at error level and exits, as asynq's Logger contract requires.
func (l asynqLogger) Fatal(args ...any) {
	l.log.Error(fmt.Sprint(args...), "fatal", true)
	os.Exit(1)
}
