{
 "StartAt": "T",
 "States": {
  "T": {
   "Type": "Task",
   "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
   "End": true
  }
 }
}