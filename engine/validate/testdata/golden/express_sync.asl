{
 "StartAt": "T",
 "States": {
  "T": {
   "Type": "Task",
   "Resource": "arn:aws:states:::states:startExecution.sync:2",
   "End": true
  }
 }
}