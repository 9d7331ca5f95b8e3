{
 "Comment": "BASE_TEMPLATE",
 "StartAt": "CheckValues",
 "States": {
  "CheckValues": {
   "Type": "Choice",
   "Choices": [
    {
     "Variable": "$.Variable",
     "IsBoolean": true,
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