{
 "StartAt": "T",
 "States": {
  "T": {
   "Type": "Task",
   "Resource": "arn:aws:states:::lambda:invoke",
   "TimeoutSeconds": 5,
   "TimeoutSecondsPath": "$.t",
   "End": true
  }
 }
}