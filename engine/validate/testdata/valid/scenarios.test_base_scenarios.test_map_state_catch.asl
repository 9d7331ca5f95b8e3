{
 "StartAt": "StartState",
 "States": {
  "StartState": {
   "Type": "Pass",
   "Result": [
    1
   ],
   "ResultPath": "$.arr",
   "Next": "MapState"
  },
  "MapState": {
   "Type": "Map",
   "ResultPath": null,
   "InputPath": "$.arr",
   "MaxConcurrency": 1,
   "ItemProcessor": {
    "ProcessorConfig": {
     "Mode": "INLINE"
    },
    "StartAt": "HandleItemFail",
    "States": {
     "HandleItemFail": {
      "Type": "Fail",
      "Error": "HandleItemFailError",
      "Cause": "HandleItemFailCause"
     }
    }
   },
   "Catch": [
    {
     "ErrorEquals": [
      "HandleItemFailError"
     ],
     "Next": "FinalCaught"
    }
   ],
   "Next": "Final"
  },
  "FinalCaught": {
   "Type": "Pass",
   "End": true
  },
  "Final": {
   "Type": "Pass",
   "End": true
  }
 }
}