{
 "StartAt": "T",
 "States": {
  "T": {
   "Type": "Task",
   "Resource": "arn:aws:states:::lambda:invoke",
   "TimeoutSeconds": 0,
   "End": true
  }
 }
}