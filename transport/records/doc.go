// Package records keeps every execution's record and history in JetStream, so that
// DescribeExecution, ListExecutions, GetExecutionHistory and StopExecution answer for Express
// executions (AWS keeps nothing for them).
//
// Layout (prefix "stepjet"; M, N and I are the subject tokens of the machine, the execution
// name and the id that ends the execution ARN, see wire.SubjectToken):
//
//	STEPJET_RECORDS  stepjet.rec.M.N.I   one record per execution (MaxMsgsPerSubject 1: the
//	                                     terminal record replaces the RUNNING one); body =
//	                                     DescribeExecution's answer, headers = ListExecutions'
//	STEPJET_HISTORY  stepjet.hist.M.N.I  the execution's history events, NDJSON of AWS's
//	                                     HistoryEvent shape, several events per message
//	stepjet.stop.M                       core subject every executor listens on (StopExecution)
//
// Why: a write is two small record messages and a few history messages per execution, all
// published asynchronously in batches by one writer goroutine from a bounded queue (Recorder),
// so the execution never waits for the store and a full queue drops (counted) instead of
// slowing it. A read by ARN is one direct get (the subject is derived from the ARN); a listing
// by machine reads the last record per subject of stepjet.rec.M.> with headers only (a few
// hundred bytes per execution, no inputs or outputs). Both streams are bounded by MaxAge and
// MaxBytes, oldest first.
//
//	rec, _ := records.NewRecorder(records.Config{NC: nc})
//	_ = rec.Start(ctx)                                // streams, stop listener, writer
//	ex, _ := executor.New(executor.Config{NC: nc, Recorder: rec})
//	...
//	rec.Close(ctx)                                   // flush what is queued
package records
