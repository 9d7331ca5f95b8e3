{
 "Comment": "TASK_LAMBDA_SDK_RESOURCE_JSONATA_TO_JSONPATH",
 "StartAt": "JsonataState",
 "States": {
  "JsonataState": {
   "QueryLanguage": "JSONata",
   "Type": "Task",
   "Resource": "arn:aws:states:::lambda:invoke",
   "Arguments": {
    "Payload": {
     "foo": "foo-1"
    },
    "FunctionName": "arn:aws:lambda:us-east-1:111111111111:function:fn-data-flow-cf000001"
   },
   "Assign": {
    "resultsVar": "{% $states.result %}"
   },
   "Output": {
    "results": "{% $states.result %}"
   },
   "Next": "JsonPathState"
  },
  "JsonPathState": {
   "QueryLanguage": "JSONPath",
   "Type": "Pass",
   "End": true
  }
 }
}