{
 "Comment": "TASK_CATCH_ERROR_OUTPUT_WITH_RETRY",
 "StartAt": "Task",
 "States": {
  "Task": {
   "Type": "Task",
   "QueryLanguage": "JSONata",
   "Resource": "arn:aws:states:::lambda:invoke",
   "Arguments": {
    "FunctionName": "arn:aws:lambda:us-east-1:111111111111:function:fn-exception-cf000001",
    "Payload": {
     "foo": "foobar"
    }
   },
   "Retry": [
    {
     "ErrorEquals": [
      "States.ALL"
     ],
     "IntervalSeconds": 1,
     "MaxAttempts": 1
    }
   ],
   "Catch": [
    {
     "ErrorEquals": [
      "States.ALL"
     ],
     "Output": {
      "stateInput": "{% $states.input %}",
      "stateError": "{% $states.errorOutput %}"
     },
     "Next": "Fallback"
    }
   ],
   "Output": {
    "stateInput": "{% $states.input %}",
    "stateResult": "{% $states.result %}"
   },
   "Next": "Finish"
  },
  "Fallback": {
   "Type": "Pass",
   "QueryLanguage": "JSONata",
   "Output": {
    "error": "{% $states.input %}"
   },
   "End": true
  },
  "Finish": {
   "Type": "Pass",
   "QueryLanguage": "JSONata",
   "Output": {
    "result": "{% $states.input %}"
   },
   "End": true
  }
 }
}