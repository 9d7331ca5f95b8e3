{
 "Comment": "BASE_TEMPLATE",
 "StartAt": "CheckValues",
 "States": {
  "CheckValues": {
   "Type": "Choice",
   "Choices": [
    {
     "Variable": "$.Variable",
     "StringEqualsPath": "$.Value",
     "Next": "ConditionTrue"
    }
   ],
   "Default": "ConditionFalse"
  },
  "ConditionTrue": {
   "Type": "Pass",
   "Result": {
    "TestResult.$": "ConditionTrue"
   },
   "End": true
  },
  "ConditionFalse": {
   "Type": "Pass",
   "Result": {
    "TestResult.$": "ConditionFalse"
   },
   "End": true
  }
 }
}