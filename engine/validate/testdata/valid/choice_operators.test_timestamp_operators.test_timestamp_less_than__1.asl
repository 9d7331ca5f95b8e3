{
 "Comment": "BASE_TEMPLATE",
 "StartAt": "CheckValues",
 "States": {
  "CheckValues": {
   "Type": "Choice",
   "Choices": [
    {
     "Variable": "$.Variable",
     "TimestampLessThan": "2012-10-09T19:00:56Z",
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