{
 "Comment": "BASE_TASK",
 "QueryLanguage": "JSONata",
 "StartAt": "Start",
 "States": {
  "Start": {
   "Type": "Task",
   "Resource": "arn:aws:states:::lambda:invoke",
   "Arguments": {
    "Payload": {},
    "FunctionName": "arn:aws:lambda:us-east-1:111111111111:function:fn-eval-cf000001"
   },
   "End": true,
   "HeartbeatSeconds": "{% $states.input.input_value %}"
  }
 }
}