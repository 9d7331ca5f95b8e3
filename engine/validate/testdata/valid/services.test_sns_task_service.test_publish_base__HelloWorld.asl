{
 "Comment": "SNS_PUBLISH",
 "StartAt": "Publish",
 "States": {
  "Publish": {
   "Type": "Task",
   "Resource": "arn:aws:states:::sns:publish",
   "Parameters": {
    "TopicArn.$": "$.TopicArn",
    "Message.$": "$.Message"
   },
   "End": true
  }
 }
}