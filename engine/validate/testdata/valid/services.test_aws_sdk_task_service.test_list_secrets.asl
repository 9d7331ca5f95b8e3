{
 "Comment": "TASK_SERVICE_SECRETSMANAGER_LISTSECRETS",
 "StartAt": "Start",
 "States": {
  "Start": {
   "Type": "Task",
   "Resource": "arn:aws:states:::aws-sdk:secretsmanager:listSecrets",
   "Parameters": {},
   "Next": "EndWithFinal"
  },
  "EndWithFinal": {
   "Type": "Pass",
   "ResultPath": "$.final",
   "End": true
  }
 }
}