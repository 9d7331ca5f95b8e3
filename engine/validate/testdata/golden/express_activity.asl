{
 "StartAt": "T",
 "States": {
  "T": {
   "Type": "Task",
   "Resource": "arn:aws:states:us-east-1:123456789012:activity:work",
   "End": true
  }
 }
}