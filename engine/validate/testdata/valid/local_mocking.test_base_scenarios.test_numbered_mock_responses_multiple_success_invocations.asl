{
 "QueryLanguage": "JSONata",
 "StartAt": "LambdaState",
 "States": {
  "LambdaState": {
   "Type": "Task",
   "Resource": "arn:aws:states:::lambda:invoke",
   "Arguments": {
    "FunctionName": "arn:aws:lambda:us-east-1:111111111111:function:lambda_cf000001",
    "Payload": {
     "status": "{% $exists($status) ? 'completed' : 'running' %}"
    }
   },
   "Assign": {
    "status": "{% $states.result.Payload.status %}"
   },
   "Next": "CheckCompleted"
  },
  "CheckCompleted": {
   "Type": "Choice",
   "Choices": [
    {
     "Condition": "{% $status = 'completed' %}",
     "Next": "Finish"
    }
   ],
   "Default": "LambdaState"
  },
  "Finish": {
   "Type": "Succeed"
  }
 }
}